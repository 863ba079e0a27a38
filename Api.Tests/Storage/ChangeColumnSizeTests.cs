using System.Data.Common;
using Dapper;
using Itsm.Api.Tests.Setup;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Sql;
using Microsoft.Extensions.DependencyInjection;

namespace Itsm.Api.Tests.Storage;

/// <summary>The change's text columns refuse what SQL Server's would, on the embedded database too (a value past the API's checks fails the same way).</summary>
[TestFixture]
public sealed class ChangeColumnSizeTests : ApiFixture
{
    [TestCase("PlanWhat", 4000)]
    [TestCase("PlanTransport", 4000)]
    [TestCase("PlanRollback", 4000)]
    [TestCase("AssessedImpact", 4000)]
    [TestCase("AssessedBy", 64)]
    [TestCase("PlanWrittenBy", 64)]
    [TestCase("TestResult", 4000)]
    public async Task Update_OneCharacterPastTheColumn_IsRefused_AtTheLimitAccepted(string column, int size)
    {
        var ticket = await _given.TicketIn(TicketStatus.New, Category.DataChange);
        var database = _app.Services.GetRequiredService<Database>();
        // The column name comes from the test cases above, never from input.
        Task Write(int length) => database.WriteAsync((connection, transaction, ct) => connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE Tickets SET {column} = @value WHERE Id = @id", new { value = new string('x', length), id = ticket.Id }, transaction, cancellationToken: ct)),
            CancellationToken.None);

        Assert.That(() => Write(size + 1), Throws.InstanceOf<DbException>());
        Assert.That(() => Write(size), Throws.Nothing);
    }
}
