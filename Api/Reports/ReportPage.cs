namespace Itsm.Api.Reports;

public static class ReportPage
{
    public static string Render(WorkReport report, string language) => "<!DOCTYPE html><html></html>";
}
