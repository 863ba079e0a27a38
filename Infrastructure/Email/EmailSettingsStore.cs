using Dapper;
using Itsm.Infrastructure.Sql;

namespace Itsm.Infrastructure.Email;

/// <summary>A user's e-mail settings: the address (none: no e-mail), the language (none: the configured default), the switch.</summary>
public sealed record EmailSettings(string? Email, string? Language, bool EmailNotifications);

public sealed class EmailSettingsStore(Database database)
{
    /// <summary>The user's settings; null when there is no such user.</summary>
    public Task<EmailSettings?> OfAsync(string userId, CancellationToken ct) =>
        database.ReadAsync(async (connection, token) =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(EmailSql.Settings, new { userId }, cancellationToken: token));
            return row is null ? null : new EmailSettings(row.Email, row.Language, row.EmailNotifications);
        }, ct);

    /// <summary>All three, as an IT manager sets them.</summary>
    public Task SaveAsync(string userId, EmailSettings settings, CancellationToken ct) =>
        database.WriteAsync((connection, transaction, token) => connection.ExecuteAsync(new CommandDefinition(EmailSql.SaveSettings,
            new { userId, email = settings.Email, language = settings.Language, enabled = settings.EmailNotifications }, transaction, cancellationToken: token)), ct);

    /// <summary>What users may change themselves: language and switch (their address comes from their IT manager).</summary>
    public Task SaveOwnAsync(string userId, string? language, bool enabled, CancellationToken ct) =>
        database.WriteAsync((connection, transaction, token) => connection.ExecuteAsync(new CommandDefinition(EmailSql.SaveOwnSettings,
            new { userId, language, enabled }, transaction, cancellationToken: token)), ct);

    private sealed class Row
    {
        public string? Email { get; init; }
        public string? Language { get; init; }
        public bool EmailNotifications { get; init; }
    }
}
