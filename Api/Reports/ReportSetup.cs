using Itsm.Infrastructure.Reports;
using Microsoft.Extensions.Options;

namespace Itsm.Api.Reports;

public static class ReportSetup
{
    /// <summary>The report store, and the demo history seeded with the demo organisation where <c>Reports:DemoHistory</c> says so.</summary>
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddOptions<ReportOptions>().BindConfiguration("Reports");
        services.AddSingleton(p => p.GetRequiredService<IOptions<ReportOptions>>().Value);
        services.AddSingleton<ReportStore>();
        services.AddSingleton<AssessmentStore>();
        services.AddSingleton<ReportDemo>();
        return services;
    }
}
