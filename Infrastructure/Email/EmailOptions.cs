namespace Itsm.Infrastructure.Email;

/// <summary>Configuration section <c>Smtp</c>: the mail server notifications are sent through. Without a host, no e-mail.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>The sender, e.g. <c>ITSM &lt;itsm@example.com&gt;</c>.</summary>
    public string From { get; set; } = "itsm@localhost";

    /// <summary>Signs in when set (with <see cref="Password"/>).</summary>
    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>true: STARTTLS is required; false: never; unset: used when the server offers it (TLS at once on port 465).</summary>
    public bool? StartTls { get; set; }

    /// <summary>How long one command to the server may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}

/// <summary>Configuration section <c>Email</c>: how notifications become e-mails.</summary>
public sealed class EmailOptions
{
    /// <summary>The language of users who chose none: <c>zh-CN</c> or <c>en</c>.</summary>
    public string DefaultLanguage { get; set; } = EmailLanguages.Chinese;

    /// <summary>Notifications, and e-mails, handled per round.</summary>
    public int Batch { get; set; } = 100;

    /// <summary>Older notifications are not sent (e.g. those made while no mail server was configured).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Quick retries of one send within a pass (connection refused, a 4xx reply), before it waits for a later pass.</summary>
    public int QuickRetries { get; set; } = 2;

    public TimeSpan QuickRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A send that still fails waits this long, doubling per attempt, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>After this many failed passes an e-mail is given up (the defaults span about a day).</summary>
    public int MaxAttempts { get; set; } = 30;
}

/// <summary>The languages e-mails are written in.</summary>
public static class EmailLanguages
{
    public const string Chinese = "zh-CN";
    public const string English = "en";

    public static readonly IReadOnlyList<string> All = [Chinese, English];
}
