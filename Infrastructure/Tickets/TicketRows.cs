using System.Data.Common;
using Dapper;
using Itsm.Domain.Tickets;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Tickets;

/// <summary>
/// Reads ticket rows so that a stored enum text the code does not define (written by an earlier version, or by hand)
/// still reads: it shows as a defined fallback, and the row keeps its stored text until the ticket is next changed.
/// </summary>
public static class TicketRows
{
    private static readonly Dictionary<string, (Type, string?)> Enums = new(StringComparer.OrdinalIgnoreCase)
    {
        // Fail closed: an unknown category reads as a change (it needs an approval), an unknown status as closed (no actions).
        ["Category"] = (typeof(Category), nameof(Category.DataChange)),
        ["Impact"] = (typeof(Impact), nameof(Impact.Individual)),
        ["Urgency"] = (typeof(Urgency), nameof(Urgency.Low)),
        ["Priority"] = (typeof(Priority), nameof(Priority.P4)),
        ["Status"] = (typeof(TicketStatus), nameof(TicketStatus.Closed)),
        ["SlaState"] = (typeof(SlaState), nameof(SlaState.Ok)),
        // Not approved is the safe reading of an unknown approval.
        ["ApprovalStatus"] = (typeof(ApprovalStatus), nameof(ApprovalStatus.Pending)),
        // An unknown risk reads as the highest.
        ["AssessedRisk"] = (typeof(ChangeRisk), nameof(ChangeRisk.High)),
        ["Outcome"] = (typeof(ClosureOutcome), null),
        ["ResolutionCode"] = (typeof(ResolutionCode), null),
    };

    public static DbDataReader Tolerant(DbDataReader reader) => new TolerantEnumReader(reader, Enums);

    public static async Task<List<Ticket>> QueryAsync(DbConnection connection, CommandDefinition command)
    {
        await using var reader = Tolerant(await connection.ExecuteReaderAsync(command));
        var parse = reader.GetRowParser<Ticket>();
        var tickets = new List<Ticket>();
        while (await reader.ReadAsync(command.CancellationToken)) tickets.Add(parse(reader));
        return tickets;
    }
}
