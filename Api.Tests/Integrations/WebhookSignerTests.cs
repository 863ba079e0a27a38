using Itsm.Infrastructure.Webhooks;

namespace Itsm.Api.Tests.Integrations;

[TestFixture]
public sealed class WebhookSignerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 1, 0, 0, TimeSpan.Zero);

    [Test]
    public void Verify_AcceptsItsOwnSignatureWithinFiveMinutesOnly()
    {
        var secret = WebhookSigner.NewSecret();
        var at = Now.ToUnixTimeSeconds();
        var signature = WebhookSigner.Sign(secret, "msg_1", at, "{}");

        Assert.That(WebhookSigner.Verify(secret, "msg_1", at.ToString(), signature, "{}", Now), Is.True);
        Assert.That(WebhookSigner.Verify(secret, "msg_1", at.ToString(), signature, "{ }", Now), Is.False, "another body");
        Assert.That(WebhookSigner.Verify(secret, "msg_2", at.ToString(), signature, "{}", Now), Is.False, "another id");
        Assert.That(WebhookSigner.Verify(secret, "msg_1", at.ToString(), signature, "{}", Now.AddMinutes(6)), Is.False, "too late");
    }

    [TestCase("-9223372036854775808")]
    [TestCase("9223372036854775807")]
    [TestCase("soon")]
    public void Verify_WithAnAbsurdTimestamp_SaysNoWithoutThrowing(string timestamp) =>
        Assert.That(WebhookSigner.Verify(WebhookSigner.NewSecret(), "msg_1", timestamp, "v1,AAAA", "{}", Now), Is.False);

    [Test]
    public void Sign_WithASecretThatIsNotWhsec_UsesItsText()
    {
        var signature = WebhookSigner.Sign("a plain passphrase", "msg_1", 1, "{}");

        Assert.That(WebhookSigner.Verify("a plain passphrase", "msg_1", "1", signature, "{}", DateTimeOffset.FromUnixTimeSeconds(1)), Is.True);
    }
}
