using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Itsm.Api.Tests.Attachments;

/// <summary>Multipart bodies as a browser or a client sends them, and files of known kinds.</summary>
public static class Upload
{
    public static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>A PNG-signed file of <paramref name="length"/> bytes, random after the signature.</summary>
    public static byte[] Png(int length)
    {
        var bytes = RandomNumberGenerator.GetBytes(length);
        PngSignature.CopyTo(bytes, 0);
        return bytes;
    }

    public static MultipartFormDataContent Files(params (string Name, byte[] Bytes)[] files) => Form(null, files);

    public static MultipartFormDataContent Form(string? visibility, params (string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            // The declared type is whatever the client claims; the service looks at the bytes.
            part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            form.Add(part, "files", name);
        }
        if (visibility is not null) form.Add(new StringContent(visibility), "visibility");
        return form;
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
