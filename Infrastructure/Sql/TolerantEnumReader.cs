using System.Collections;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace Itsm.Infrastructure.Sql;

/// <summary>
/// A reader that shows an enum column's stored text only when it names a value the enum defines, and otherwise the
/// column's fallback (null: no value). Dapper parses enum columns itself, bypassing type handlers: one row stored with an
/// undefined value (as earlier versions let through) would otherwise fail every list it falls in.
/// </summary>
public sealed class TolerantEnumReader : DbDataReader
{
    private readonly DbDataReader _inner;
    private readonly (Type Enum, string? Fallback)?[] _columns;

    /// <param name="columns">Column name → its enum and the name shown in place of an undefined value (null: no value).</param>
    public TolerantEnumReader(DbDataReader inner, IReadOnlyDictionary<string, (Type Enum, string? Fallback)> columns)
    {
        _inner = inner;
        _columns = new (Type, string?)?[inner.FieldCount];
        for (var i = 0; i < inner.FieldCount; i++)
            if (columns.TryGetValue(inner.GetName(i), out var column)) _columns[i] = column;
    }

    /// <summary>
    /// Whether the stored text is one name the enum defines, in any case. The service stores names only: a number is not a
    /// name (it would read as whatever value has that position today, which moves when values are added).
    /// </summary>
    public static bool IsDefined(Type enumType, string text) =>
        Enum.GetNames(enumType).Contains(text, StringComparer.OrdinalIgnoreCase);

    public override object GetValue(int ordinal)
    {
        var value = _inner.GetValue(ordinal);
        if (_columns[ordinal] is not { } column || value is not string text || IsDefined(column.Enum, text)) return value;
        return (object?)column.Fallback ?? DBNull.Value;
    }

    public override object this[int ordinal] => GetValue(ordinal);
    public override object this[string name] => GetValue(GetOrdinal(name));
    public override string GetString(int ordinal) => (string)GetValue(ordinal);
    public override bool IsDBNull(int ordinal) => GetValue(ordinal) is DBNull;
    public override T GetFieldValue<T>(int ordinal) => _columns[ordinal] is null ? _inner.GetFieldValue<T>(ordinal) : (T)GetValue(ordinal);

    public override int GetValues(object[] values)
    {
        var count = Math.Min(values.Length, FieldCount);
        for (var i = 0; i < count; i++) values[i] = GetValue(i);
        return count;
    }

    public override int FieldCount => _inner.FieldCount;
    public override int RecordsAffected => _inner.RecordsAffected;
    public override bool HasRows => _inner.HasRows;
    public override bool IsClosed => _inner.IsClosed;
    public override int Depth => _inner.Depth;
    public override bool GetBoolean(int ordinal) => _inner.GetBoolean(ordinal);
    public override byte GetByte(int ordinal) => _inner.GetByte(ordinal);
    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => _inner.GetBytes(ordinal, dataOffset, buffer, bufferOffset, length);
    public override char GetChar(int ordinal) => _inner.GetChar(ordinal);
    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => _inner.GetChars(ordinal, dataOffset, buffer, bufferOffset, length);
    public override string GetDataTypeName(int ordinal) => _inner.GetDataTypeName(ordinal);
    public override DateTime GetDateTime(int ordinal) => _inner.GetDateTime(ordinal);
    public override decimal GetDecimal(int ordinal) => _inner.GetDecimal(ordinal);
    public override double GetDouble(int ordinal) => _inner.GetDouble(ordinal);
    [return: DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.PublicProperties)]
    public override Type GetFieldType(int ordinal) => _inner.GetFieldType(ordinal);
    public override float GetFloat(int ordinal) => _inner.GetFloat(ordinal);
    public override Guid GetGuid(int ordinal) => _inner.GetGuid(ordinal);
    public override short GetInt16(int ordinal) => _inner.GetInt16(ordinal);
    public override int GetInt32(int ordinal) => _inner.GetInt32(ordinal);
    public override long GetInt64(int ordinal) => _inner.GetInt64(ordinal);
    public override string GetName(int ordinal) => _inner.GetName(ordinal);
    public override int GetOrdinal(string name) => _inner.GetOrdinal(name);
    public override bool NextResult() => _inner.NextResult();
    public override bool Read() => _inner.Read();
    public override Task<bool> ReadAsync(CancellationToken cancellationToken) => _inner.ReadAsync(cancellationToken);
    public override void Close() => _inner.Close();
    public override ValueTask DisposeAsync() => _inner.DisposeAsync();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
    }

    public override IEnumerator GetEnumerator() => ((IEnumerable)_inner).GetEnumerator();
}
