namespace Itsm.Infrastructure.Webhooks;

/// <summary>Where a webhook delivery stands; stored by name (the column's CHECK lists the same names).</summary>
public enum WebhookDeliveryState
{
    /// <summary>Waiting for its (next) attempt.</summary>
    Pending,
    /// <summary>The receiver answered 2xx.</summary>
    Delivered,
    /// <summary>The receiver answered 410 Gone: the subscription was disabled.</summary>
    Failed,
    /// <summary>Every attempt failed.</summary>
    DeadLetter,
}
