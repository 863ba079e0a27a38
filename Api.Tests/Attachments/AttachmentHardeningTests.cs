using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Attachments;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.Attachments;

/// <summary>Uploads that try to get around the content check, strict form fields, and a failing attachment storage.</summary>
[TestFixture]
public sealed class AttachmentHardeningTests : ApiFixture
{
    private static string Path(long ticket, string rest = "") => $"/api/v1/tickets/{ticket}/attachments{rest}";

    private async Task<JsonArray> ListAsync(long ticket) => (await _given.ServiceDesk.GetJsonAsync(Path(ticket)))["items"]!.AsArray();

    [TestCase("notes.txt", "\f<html><script>alert(1)</script></html>")]
    [TestCase("notes.txt", "\u0001\u000b <HTML><body>hi</body></HTML>")]
    [TestCase("evil.hta", "x<script>alert(1)</script>")]
    [TestCase("page.txt", "Dear team,\nsee <iframe src=\"https://example.org\"></iframe>")]
    [TestCase("readme.txt", "hello <OBJECT data=x>")]
    public async Task Upload_OfTextHidingMarkup_Is415AsHtml(string name, string content)
    {
        var ticket = await _given.TicketIn(TicketStatus.New);

        var response = await _given.Requester.Http.PostAsync(Path(ticket.Id), Upload.Files((name, Encoding.UTF8.GetBytes(content))));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.That(problem["detectedType"]!.GetValue<string>(), Is.EqualTo("text/html"));
        Assert.That(await ListAsync(ticket.Id), Is.Empty);
    }

    [TestCase("run.bat", "@echo off\r\ndel *.*\r\n", "run.bat.txt")]
    [TestCase("setup.hta", "just words", "setup.hta.txt")]
    [TestCase("server.log", "12:00 started", "server.log")]
    [TestCase("photo", null, "photo.png")]
    public async Task Upload_WhoseExtensionIsNotOfItsDetectedType_IsKeptAndDownloadedWithTheTypesExtension(string name, string? text, string kept)
    {
        var ticket = await _given.TicketIn(TicketStatus.New);
        var bytes = text is null ? Upload.Png(500) : Encoding.UTF8.GetBytes(text);

        var response = await _given.Requester.Http.PostAsync(Path(ticket.Id), Upload.Files((name, bytes)));

        await TicketClient.ExpectAsync(response, HttpStatusCode.Created);
        var item = (await response.Content.ReadFromJsonAsync<JsonObject>())!["items"]![0]!;
        Assert.That(item["name"]!.GetValue<string>(), Is.EqualTo(kept));
        var download = await _given.Requester.Http.GetAsync(Path(ticket.Id, $"/{item["id"]}"));
        Assert.That(download.Content.Headers.ContentDisposition?.FileName?.Trim('"'), Is.EqualTo(kept));
    }

    [TestCase("1")]
    [TestCase("Public,Internal")]
    [TestCase(" Internal")]
    [TestCase("internal")]
    public async Task Upload_WithAVisibilityThatIsNotExactlyAName_Is400AndStoresNothing(string visibility)
    {
        var ticket = await _given.TicketIn(TicketStatus.New);

        var response = await _given.ServiceDesk.Http.PostAsync(Path(ticket.Id), Upload.Form(visibility, ("a.txt", "a"u8.ToArray())));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Does.Contain("visibility"));
        Assert.That(await ListAsync(ticket.Id), Is.Empty);
    }

    [Test]
    public async Task Upload_OfAFileUnderAnotherFormField_Is400AndStoresNothing()
    {
        var ticket = await _given.TicketIn(TicketStatus.New);
        var form = new MultipartFormDataContent { { new ByteArrayContent("notes"u8.ToArray()), "document", "notes.txt" } };

        var response = await _given.Requester.Http.PostAsync(Path(ticket.Id), form);

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Does.Contain("document"));
        Assert.That(await ListAsync(ticket.Id), Is.Empty);
    }

    [Test]
    public async Task Upload_WhenTheAttachmentStorageCannotWrite_Is503SayingSoAndLeavesNoFile()
    {
        var ticket = await _given.TicketIn(TicketStatus.New);
        var bytes = Encoding.UTF8.GetBytes($"storage failure {Guid.NewGuid()}");
        var storage = _app.Services.GetRequiredService<AttachmentBytes>();
        // A file where the bytes' directory would go: the move into place fails on the service's side.
        var blocking = System.IO.Path.GetDirectoryName(storage.PathOf(Upload.Sha256(bytes)))!;
        Directory.CreateDirectory(storage.Directory);
        await File.WriteAllTextAsync(blocking, "in the way");
        try
        {
            var response = await _given.Requester.Http.PostAsync(Path(ticket.Id), Upload.Files(("a.txt", bytes)));

            var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:attachment-storage-failed"));
            Assert.That(await ListAsync(ticket.Id), Is.Empty);
            Assert.That(Directory.GetFiles(System.IO.Path.Combine(storage.Directory, "tmp")), Is.Empty, "no partial file is left");
        }
        finally
        {
            File.Delete(blocking);
        }
    }
}
