using System.Security.Cryptography;
using Itsm.Domain.Attachments;

namespace Itsm.Infrastructure.Attachments;

/// <summary>
/// The files' bytes, content-addressed: <c>{directory}/{first two hex digits}/{sha256}</c>. A file streams into a temporary
/// file under <c>tmp/</c> while it is hashed, and is moved into place (same volume, so the move is atomic) before its
/// metadata row is committed; the same bytes uploaded twice are kept once. Nothing is held in memory but one chunk.
/// </summary>
public sealed class AttachmentBytes(string directory)
{
    public string Directory => directory;

    public IncomingFile Begin(string name)
    {
        var temporary = Path.Combine(directory, "tmp");
        System.IO.Directory.CreateDirectory(temporary);
        return new IncomingFile(this, Path.Combine(temporary, Guid.NewGuid().ToString("N")), name);
    }

    /// <summary>The stored file for <paramref name="sha256"/>, or null if it is missing.</summary>
    public FileStream? OpenRead(string sha256)
    {
        try
        {
            return new FileStream(PathOf(sha256), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
    }

    public bool Has(string sha256) => File.Exists(PathOf(sha256));

    public string PathOf(string sha256) => Path.Combine(directory, sha256[..2], sha256);

    internal void MoveIntoPlace(string temporary, string sha256)
    {
        var target = PathOf(sha256);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        try
        {
            File.Move(temporary, target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target))
        {
            // The same bytes are already kept (another upload of them): this copy is not needed.
            File.Delete(temporary);
        }
    }
}

/// <summary>One file being received: written to its temporary file and hashed chunk by chunk.</summary>
public sealed class IncomingFile(AttachmentBytes bytes, string temporary, string name) : IAsyncDisposable
{
    public string Name => name;

    private readonly FileStream _file = new(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private bool _placed;

    public FileContent Content { get; } = new();

    public long Length { get; private set; }

    public string? Sha256 { get; private set; }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken ct)
    {
        _sha.AppendData(chunk.Span);
        Content.Append(chunk.Span);
        Length += chunk.Length;
        await _file.WriteAsync(chunk, ct);
    }

    /// <summary>Ends the writing: the file is complete and its hash known (not yet in place).</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        await _file.FlushAsync(ct);
        await _file.DisposeAsync();
        Sha256 = Convert.ToHexStringLower(_sha.GetHashAndReset());
    }

    public void MoveIntoPlace()
    {
        bytes.MoveIntoPlace(temporary, Sha256 ?? throw new InvalidOperationException("The file is not complete."));
        _placed = true;
    }

    /// <summary>A file not moved into place is deleted: a refused upload leaves nothing behind.</summary>
    public async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync();
        _sha.Dispose();
        if (!_placed) File.Delete(temporary);
    }
}
