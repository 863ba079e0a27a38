using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.Attachments;

/// <summary>Files attached to tickets, through HTTP on the embedded database, with small limits so that the edges are cheap to reach.</summary>
[TestFixture]
public sealed class AttachmentTests
{
    private const int MaxFileBytes = 64 * 1024;
    private const int MaxTicketBytes = 160 * 1024;
    private ItsmApp _app = null!;
    private Given _given = null!;

    [OneTimeSetUp]
    public void StartApp() => _given = new Given(_app = new ItsmApp(new Dictionary<string, string?>
    {
        ["Attachments:MaxFileBytes"] = MaxFileBytes.ToString(),
        ["Attachments:MaxTicketBytes"] = MaxTicketBytes.ToString(),
        ["Attachments:MaxFilesPerUpload"] = "3",
    }));

    [OneTimeTearDown]
    public void StopApp()
    {
        _given.Dispose();
        _app.Dispose();
    }

    private static string Path(long ticket, string rest = "") => $"/api/v1/tickets/{ticket}/attachments{rest}";

    private static async Task<JsonArray> UploadedAsync(TicketClient caller, long ticket, MultipartFormDataContent form)
    {
        var response = await caller.Http.PostAsync(Path(ticket), form);
        await TicketClient.ExpectAsync(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["items"]!.AsArray();
    }

    private static async Task<JsonArray> ListAsync(TicketClient caller, long ticket) =>
        (await caller.GetJsonAsync(Path(ticket)))["items"]!.AsArray();

    /// <summary>The files kept in the attachment directory (the temporary ones excluded).</summary>
    private string[] StoredFiles() =>
        Directory.Exists(AttachmentDirectory)
            ? Directory.GetFiles(AttachmentDirectory, "*", SearchOption.AllDirectories).Where(f => !f.Contains($"{System.IO.Path.DirectorySeparatorChar}tmp{System.IO.Path.DirectorySeparatorChar}")).ToArray()
            : [];

    private string TemporaryFilesDirectory => System.IO.Path.Combine(AttachmentDirectory, "tmp");

    private string AttachmentDirectory => _app.Services.GetRequiredService<Itsm.Infrastructure.Attachments.AttachmentBytes>().Directory;

    [Test]
    public async Task Upload_APng_DownloadsTheSameBytesWithTheirSha256AsETag()
    {
        var ticket = await _given.TicketIn(TicketStatus.New);
        var png = Upload.Png(40_000);

        var uploaded = await UploadedAsync(_given.Requester, ticket.Id, Upload.Files(("screen.png", png)));

        var item = uploaded.Single()!;
        Assert.That(item["sha256"]!.GetValue<string>(), Is.EqualTo(Upload.Sha256(png)));
        Assert.That(item["contentType"]!.GetValue<string>(), Is.EqualTo("image/png"), "detected from the bytes, not the declared application/pdf");
        Assert.That(item["size"]!.GetValue<long>(), Is.EqualTo(png.Length));
        Assert.That(item["visibility"]!.GetValue<string>(), Is.EqualTo("Public"));
        Assert.That(item["uploadedBy"]!.GetValue<string>(), Is.EqualTo("js-requester").Or.Not.Empty);
        var listed = await ListAsync(_given.ServiceDesk, ticket.Id);
        Assert.That(listed.Select(a => a!["id"]!.GetValue<long>()), Is.EqualTo(new[] { item["id"]!.GetValue<long>() }));

        var download = await _given.Engineer.Http.GetAsync(Path(ticket.Id, $"/{item["id"]}"));
        await TicketClient.ExpectAsync(download, HttpStatusCode.OK);
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.That(Upload.Sha256(bytes), Is.EqualTo(Upload.Sha256(png)));
        Assert.That(download.Headers.ETag?.Tag, Is.EqualTo($"\"{Upload.Sha256(png)}\""));
        Assert.That(download.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"));
        Assert.That(download.Content.Headers.ContentType?.MediaType, Is.EqualTo("image/png"));
        Assert.That(download.Content.Headers.ContentDisposition?.DispositionType, Is.EqualTo("attachment"));
        Assert.That(download.Content.Headers.ContentDisposition?.FileName?.Trim('"'), Is.EqualTo("screen.png"));
    }

    [Test]
    public async Task Download_WithTheETagInIfNoneMatch_Is304()
    {
        var ticket = await _given.TicketIn(TicketStatus.New);
        var item = (await UploadedAsync(_given.Requester, ticket.Id, Upload.Files(("a.png", Upload.Png(1000)))))[0]!;
        var request = new HttpRequestMessage(HttpMethod.Get, Path(ticket.Id, $"/{item["id"]}"));
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{item["sha256"]}\""));

        var response = await _given.Requester.Http.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
    }

    [Test]
    public async Task Download_OfAChineseFileName_SendsAnAsciiFallbackAndTheUtf8Name()
    {
        var ticket = await _given.TicketIn(TicketStatus.New);
        var item = (await UploadedAsync(_given.Requester, ticket.Id, Upload.Files(("报销单.csv", "日期,金额\n2026-11-01,12.50\n"u8.ToArray()))))[0]!;
        Assert.That(item["contentType"]!.GetValue<string>(), Is.EqualTo("text/csv"));

        var download = await _given.Requester.Http.GetAsync(Path(ticket.Id, $"/{item["id"]}"));

        var disposition = download.Content.Headers.GetValues("Content-Disposition").Single();
        Assert.That(disposition, Does.StartWith("attachment;"));
        Assert.That(disposition, Does.Contain("filename*=UTF-8''%E6%8A%A5%E9%94%80%E5%8D%95.csv"));
        Assert.That(disposition.All(c => c < 128), Is.True, disposition);
    }

    [Test]
    public async Task Upload_WithPathsAndControlCharactersInTheName_KeepsOnlyTheCleanedName()
    {
        var ticket = await _given.TicketIn(TicketStatus.New);
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent("plain notes"u8.ToArray());
        // Written by hand: HttpClient would escape the name itself.
        part.Headers.TryAddWithoutValidation("Content-Disposition", "form-data; name=\"files\"; filename*=UTF-8''..%5C..%5Cwindows%5Cevil%E2%80%AEtxt.exe%07.txt");
        form.Add(part);

        var item = (await UploadedAsync(_given.Requester, ticket.Id, form))[0]!;

        Assert.That(item["name"]!.GetValue<string>(), Is.EqualTo("eviltxt.exe.txt"));
    }

    [Test]
    public async Task InternalAttachment_IsSeenByStaffButNotByTheRequester()
    {
        var ticket = await _given.TicketIn(TicketStatus.InProgress);
        var item = (await UploadedAsync(_given.Engineer, ticket.Id, Upload.Form("Internal", ("trace.txt", "stack trace of the posting job"u8.ToArray()))))[0]!;
        var id = item["id"]!.GetValue<long>();

        Assert.That((await ListAsync(_given.ServiceDesk, ticket.Id)).Select(a => a!["id"]!.GetValue<long>()), Does.Contain(id));
        Assert.That(await ListAsync(_given.Requester, ticket.Id), Is.Empty);
        await TicketClient.ExpectProblemAsync(await _given.Requester.Http.GetAsync(Path(ticket.Id, $"/{id}")), HttpStatusCode.NotFound);
        await TicketClient.ExpectProblemAsync(await _given.Requester.Http.DeleteAsync(Path(ticket.Id, $"/{id}")), HttpStatusCode.NotFound);
        Assert.That(await _given.Requester.Http.GetStringAsync($"/api/v1/tickets/{ticket.Id}/history"), Does.Not.Contain("trace.txt"));
        Assert.That(await _given.Engineer.Http.GetStringAsync($"/api/v1/tickets/{ticket.Id}/history"), Does.Contain("trace.txt"));
    }

    [Test]
    public async Task InternalAttachment_FromTheRequester_Is403()
    {
        var ticket = await _given.TicketIn(TicketStatus.New);
        var before = StoredFiles();

        var response = await _given.Requester.Http.PostAsync(Path(ticket.Id), Upload.Form("Internal", ("a.txt", "not for the requester to hide"u8.ToArray())));

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.That(await ListAsync(_given.ServiceDesk, ticket.Id), Is.Empty);
        Assert.That(StoredFiles(), Is.EquivalentTo(before), "refused before the bytes are moved into place");
    }

    [TestCase("page.txt", "<!DOCTYPE html><html><script>alert(1)</script></html>", "text/html")]
    [TestCase("logo.png", "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>", "image/svg+xml")]
    [TestCase("run.txt", "#!/bin/sh\nrm -rf /\n", "text/x-script")]
    public async Task Upload_OfMarkupOrAScript_Is415NamingTheDetectedType(string name, string content, string detected)
    {
        var ticket = await _given.TicketIn(TicketStatus.New);

        var response = await _given.Requester.Http.PostAsync(Path(ticket.Id), Upload.Files((name, Encoding.UTF8.GetBytes(content))));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.That(problem["detectedType"]!.GetValue<string>(), Is.EqualTo(detected));
        Assert.That(await ListAsync(_given.Requester, ticket.Id), Is.Empty);
    }

    [Test]
    public async Task Upload_OfAnExecutableRenamedToPdf_Is415AndNothingIsStored()
    {
        var ticket = await _given.TicketIn(TicketStatus.New);
        var before = StoredFiles();
        var exe = new byte[4096];
        "MZ"u8.CopyTo(exe);
        "This program cannot be run in DOS mode"u8.CopyTo(exe.AsSpan(78));

        var response = await _given.Requester.Http.PostAsync(Path(ticket.Id), Upload.Files(("invoice.pdf", exe)));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:attachment-type-refused"));
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("portable-executable"));
        Assert.That(StoredFiles(), Is.EquivalentTo(before));
        Assert.That(Directory.GetFiles(TemporaryFilesDirectory), Is.Empty);
    }

    [TestCase("office.docx", new byte[] { 0x50, 0x4B, 0x03, 0x04 }, "[Content_Types].xml word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    [TestCase("old.xls", new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }, "", "application/x-ole-storage")]
    [TestCase("scan.pdf", new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D }, "1.7", "application/pdf")]
    [TestCase("photo.jpg", new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, "JFIF", "image/jpeg")]
    [TestCase("logs.zip", new byte[] { 0x50, 0x4B, 0x03, 0x04 }, "app.log", "application/zip")]
    public async Task Upload_OfAnAcceptedKind_IsKeptWithTheTypeItsBytesShow(string name, byte[] signature, string rest, string expected)
    {
        var ticket = await _given.TicketIn(TicketStatus.New);
        var bytes = signature.Concat(new byte[20]).Concat(Encoding.ASCII.GetBytes(rest)).Concat(new byte[] { 0xFF, 0x00 }).ToArray();

        var item = (await UploadedAsync(_given.Requester, ticket.Id, Upload.Files((name, bytes))))[0]!;

        Assert.That(item["contentType"]!.GetValue<string>(), Is.EqualTo(expected));
    }

    [Test]
    public async Task Upload_OneByteOverMaxFileBytes_Is413AndNothingIsStored()
    {
        var ticket = await _given.TicketIn(TicketStatus.New);
        var before = StoredFiles();

        var response = await _given.Requester.Http.PostAsync(Path(ticket.Id), Upload.Files(("big.png", Upload.Png(MaxFileBytes + 1))));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:attachment-too-large"));
        Assert.That(await ListAsync(_given.Requester, ticket.Id), Is.Empty);
        Assert.That(StoredFiles(), Is.EquivalentTo(before));
        Assert.That(Directory.GetFiles(TemporaryFilesDirectory), Is.Empty);
        await UploadedAsync(_given.Requester, ticket.Id, Upload.Files(("exact.png", Upload.Png(MaxFileBytes))));
    }

    [Test]
    public async Task Upload_BeyondMaxTicketBytes_Is413AndKeepsWhatWasThere()
    {
        var ticket = await _given.TicketIn(TicketStatus.New);
        await UploadedAsync(_given.Requester, ticket.Id, Upload.Files(("1.png", Upload.Png(MaxFileBytes)), ("2.png", Upload.Png(MaxFileBytes))));

        var response = await _given.Requester.Http.PostAsync(Path(ticket.Id), Upload.Files(("3.png", Upload.Png(MaxTicketBytes - 2 * MaxFileBytes + 1))));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:itsm:problem:ticket-attachments-full"));
        Assert.That(await ListAsync(_given.Requester, ticket.Id), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Upload_OfMoreFilesThanAllowed_Is400()
    {
        var ticket = await _given.TicketIn(TicketStatus.New);

        var response = await _given.Requester.Http.PostAsync(Path(ticket.Id),
            Upload.Files(("1.txt", "a"u8.ToArray()), ("2.txt", "b"u8.ToArray()), ("3.txt", "c"u8.ToArray()), ("4.txt", "d"u8.ToArray())));

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(await ListAsync(_given.Requester, ticket.Id), Is.Empty);
    }

    [Test]
    public async Task Upload_OfAnEmptyFile_Is400()
    {
        var ticket = await _given.TicketIn(TicketStatus.New);

        var response = await _given.Requester.Http.PostAsync(Path(ticket.Id), Upload.Files(("ok.txt", "a"u8.ToArray()), ("empty.txt", [])));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("empty.txt"));
        Assert.That(await ListAsync(_given.Requester, ticket.Id), Is.Empty);
    }

    [Test]
    public async Task Upload_WithoutAFilePart_Is400()
    {
        var ticket = await _given.TicketIn(TicketStatus.New);

        var response = await _given.Requester.Http.PostAsync(Path(ticket.Id), Upload.Form("Public"));

        var problem = await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]!["files"], Is.Not.Null);
    }

    [Test]
    public async Task Upload_AsJson_Is415()
    {
        var ticket = await _given.TicketIn(TicketStatus.New);

        var response = await _given.Requester.Http.PostAsJsonAsync(Path(ticket.Id), new { files = "x" });

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Test]
    public async Task Attachments_OfATicketOutsideTheCallersScope_Are404()
    {
        var ticket = await _given.TicketIn(TicketStatus.New);
        var item = (await UploadedAsync(_given.Requester, ticket.Id, Upload.Files(("a.txt", "a"u8.ToArray()))))[0]!;
        using var other = _app.As(Keys.ZjServiceDesk);

        await TicketClient.ExpectProblemAsync(await other.Http.PostAsync(Path(ticket.Id), Upload.Files(("b.txt", "b"u8.ToArray()))), HttpStatusCode.NotFound);
        await TicketClient.ExpectProblemAsync(await other.Http.GetAsync(Path(ticket.Id)), HttpStatusCode.NotFound);
        await TicketClient.ExpectProblemAsync(await other.Http.GetAsync(Path(ticket.Id, $"/{item["id"]}")), HttpStatusCode.NotFound);
        await TicketClient.ExpectProblemAsync(await other.Http.DeleteAsync(Path(ticket.Id, $"/{item["id"]}")), HttpStatusCode.NotFound);
        Assert.That(await ListAsync(_given.Requester, ticket.Id), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Upload_ToAClosedTicket_Is409()
    {
        var ticket = await _given.TicketIn(TicketStatus.Cancelled);

        var response = await _given.Requester.Http.PostAsync(Path(ticket.Id), Upload.Files(("late.txt", "a"u8.ToArray())));

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Remove_ByTheUploader_IsRecordedInHistory_ButByAnotherEngineer_Is403()
    {
        var ticket = await _given.TicketIn(TicketStatus.InProgress);
        var item = (await UploadedAsync(_given.Requester, ticket.Id, Upload.Files(("wrong.txt", "wrong file"u8.ToArray()))))[0]!;
        var version = (await _given.Requester.GetTicketAsync(ticket.Id)).Version;

        await TicketClient.ExpectProblemAsync(await _given.Engineer.Http.DeleteAsync(Path(ticket.Id, $"/{item["id"]}")), HttpStatusCode.Forbidden);
        var removed = await _given.Requester.Http.DeleteAsync(Path(ticket.Id, $"/{item["id"]}"));

        Assert.That(removed.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await ListAsync(_given.Requester, ticket.Id), Is.Empty);
        var history = (await _given.Requester.GetJsonAsync($"/api/v1/tickets/{ticket.Id}/history"))["items"]!.AsArray();
        Assert.That(history.Select(e => e!["action"]!.GetValue<string>()), Does.Contain("attachment-added").And.Contain("attachment-removed"));
        Assert.That((await _given.Requester.GetTicketAsync(ticket.Id)).Version, Is.EqualTo(version), "attachments do not change the ticket's version");
    }

    [Test]
    public async Task Remove_ByTheServiceDesk_WhileOpen_Is204_ButNotOnceClosed()
    {
        var open = await _given.TicketIn(TicketStatus.New);
        var item = (await UploadedAsync(_given.Requester, open.Id, Upload.Files(("a.txt", "a"u8.ToArray()))))[0]!;

        Assert.That((await _given.ServiceDesk.Http.DeleteAsync(Path(open.Id, $"/{item["id"]}"))).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        var later = await _given.TicketIn(TicketStatus.New);
        var kept = (await UploadedAsync(_given.Requester, later.Id, Upload.Files(("b.txt", "b"u8.ToArray()))))[0]!;
        await _given.Requester.ActOkAsync(later.Id, "cancel", new { reason = "Raised by mistake" });
        await TicketClient.ExpectProblemAsync(await _given.ServiceDesk.Http.DeleteAsync(Path(later.Id, $"/{kept["id"]}")), HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Upload_WithAVisibilityFieldLongerThanAnyValue_Is400()
    {
        var ticket = await _given.TicketIn(TicketStatus.New);

        var response = await _given.Requester.Http.PostAsync(Path(ticket.Id), Upload.Form(new string('P', 100_000), ("a.txt", "a"u8.ToArray())));

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Upload_WithAnUnknownVisibility_Is400()
    {
        var ticket = await _given.TicketIn(TicketStatus.New);

        var response = await _given.Requester.Http.PostAsync(Path(ticket.Id), Upload.Form("Secret", ("a.txt", "a"u8.ToArray())));

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(await ListAsync(_given.Requester, ticket.Id), Is.Empty);
    }
}
