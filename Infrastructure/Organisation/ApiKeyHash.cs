using System.Security.Cryptography;
using System.Text;

namespace Itsm.Infrastructure.Organisation;

/// <summary>API keys are long random secrets, so a fast hash is right: the store holds SHA-256 only.</summary>
public static class ApiKeyHash
{
    public static string Of(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string NewKey() => "itsm_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .Replace('+', '-').Replace('/', '_').TrimEnd('=');
}
