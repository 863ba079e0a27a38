using System.Net;
using System.Net.Http.Json;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;

namespace Itsm.Api.Tests.Tickets;

/// <summary>Internal work notes are for operations and maintenance staff, never for requesters or business approvers.</summary>
[TestFixture]
public sealed class InternalNotesTests : ApiFixture
{
    private const string Note = "Root cause: the posting lock of user wangli; cleared by hand";

    [Test]
    public async Task InternalNote_IsSeenByStaffButNotByApproverOrRequester()
    {
        var ticket = await _given.TicketIn(TicketStatus.InProgress);
        var added = await _given.Engineer.Http.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/comments", new { body = Note, visibility = "Internal" });
        await TicketClient.ExpectAsync(added, HttpStatusCode.Created);

        foreach (var (caller, sees) in new[] { (_given.Engineer, true), (_given.ServiceDesk, true), (_given.ItManager, true), (_given.Approver, false), (_given.Requester, false) })
        {
            var comments = (await caller.Http.GetStringAsync($"/api/v1/tickets/{ticket.Id}/comments"));
            var history = (await caller.Http.GetStringAsync($"/api/v1/tickets/{ticket.Id}/history"));
            Assert.That(comments.Contains(Note), Is.EqualTo(sees), $"comments: {comments}");
            Assert.That(history.Contains(Note), Is.EqualTo(sees), $"history: {history}");
        }
    }

    [Test]
    public async Task InternalNote_FromAnApprover_Is403()
    {
        var ticket = await _given.TicketIn(TicketStatus.PendingApproval, Category.AccountPermission);

        var response = await _given.Approver.Http.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/comments", new { body = "between us", visibility = "Internal" });

        await TicketClient.ExpectProblemAsync(response, HttpStatusCode.Forbidden);
    }
}
