using Itsm.Infrastructure.Attachments;
using Itsm.Infrastructure.Sql;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Itsm.Api.Attachments;

public static class AttachmentSetup
{
    /// <summary>The <c>Attachments</c> settings, the metadata store and the content-addressed directory of bytes.</summary>
    public static IServiceCollection AddAttachments(this IServiceCollection services)
    {
        services.AddOptions<AttachmentOptions>().BindConfiguration("Attachments")
            .Validate(o => o is { MaxFileBytes: > 0, MaxTicketBytes: > 0, MaxFilesPerUpload: > 0 }, "Attachments limits must be positive.");
        services.AddSingleton<AttachmentStore>();
        services.AddSingleton(provider => new AttachmentBytes(DirectoryOf(
            provider.GetRequiredService<IOptions<AttachmentOptions>>().Value, provider.GetRequiredService<Database>(),
            provider.GetRequiredService<IHostEnvironment>())));
        return services;
    }

    /// <summary>The configured directory (relative: from the content root), else <c>attachments</c> beside the embedded database file.</summary>
    private static string DirectoryOf(AttachmentOptions options, Database database, IHostEnvironment environment)
    {
        if (options.Directory is { Length: > 0 } configured) return Path.GetFullPath(configured, environment.ContentRootPath);
        var besideDatabase = database.SqliteFile is { Length: > 0 } file && file != ":memory:"
            ? Path.GetDirectoryName(Path.GetFullPath(file, environment.ContentRootPath))
            : null;
        return Path.Combine(besideDatabase ?? Path.Combine(environment.ContentRootPath, "data"), "attachments");
    }
}

/// <summary>The upload endpoint's own request-size limit (the service's global limit stays 1 MiB); routing applies it to the request.</summary>
public sealed class UploadSizeLimit(long bytes) : IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize => bytes;
}
