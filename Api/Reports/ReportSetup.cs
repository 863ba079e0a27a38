using Itsm.Infrastructure.Reports;

namespace Itsm.Api.Reports;

public static class ReportSetup
{
    public static IServiceCollection AddReports(this IServiceCollection services) => services.AddSingleton<ReportStore>();
}
