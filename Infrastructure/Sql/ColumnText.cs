namespace Itsm.Infrastructure.Sql;

/// <summary>Text from outside (error messages, other systems' answers) cut to fit its column on both providers.</summary>
public static class ColumnText
{
    /// <summary>The size of the <c>LastError</c> columns.</summary>
    public const int ErrorLength = 1000;

    public static string Fit(string text, int max = ErrorLength) => text.Length <= max ? text : text[..max];
}
