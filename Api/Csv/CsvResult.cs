using System.Text;

namespace Itsm.Api.Csv;

/// <summary>
/// A CSV download written as it is read: UTF-8 with a byte order mark (so that Excel shows Chinese names correctly),
/// CRLF line ends, a header row, then one line per row; flushed every few hundred rows, so a large export never sits
/// whole in memory.
/// </summary>
public sealed class CsvResult(string fileName, IReadOnlyList<string> header, IAsyncEnumerable<IReadOnlyList<string?>> rows) : IResult
{
    public const string MediaType = "text/csv";

    public async Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = MediaType + "; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        await using var writer = new StreamWriter(response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 16384, leaveOpen: true);
        await WriteLineAsync(writer, header);
        var count = 0;
        await foreach (var row in rows.WithCancellation(context.RequestAborted))
        {
            await WriteLineAsync(writer, row);
            if (++count % 500 == 0) await writer.FlushAsync(context.RequestAborted);
        }
        await writer.FlushAsync(context.RequestAborted);
    }

    private static Task WriteLineAsync(StreamWriter writer, IReadOnlyList<string?> fields) =>
        writer.WriteAsync(string.Join(',', fields.Select(CsvDocument.Field)) + "\r\n");
}
