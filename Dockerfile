# Build: docker build -t itsm .
# Run on the embedded database:  docker run -p 8080:8080 -v itsm-data:/app/data itsm
# Run on SQL Server:             docker run -p 8080:8080 -e Database__Provider=SqlServer \
#                                  -e ConnectionStrings__Itsm="Server=…;Database=itsm;User Id=…;Password=…;Encrypt=True" itsm
# (see docker-compose.yml and the README's "Production on SQL Server")
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props Itsm.sln ./
COPY Domain/Itsm.Domain.csproj Domain/
COPY Infrastructure/Itsm.Infrastructure.csproj Infrastructure/
COPY Api/Itsm.Api.csproj Api/
RUN dotnet restore Api/Itsm.Api.csproj
COPY Domain/ Domain/
COPY Infrastructure/ Infrastructure/
COPY Api/ Api/
RUN dotnet publish Api/Itsm.Api.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
RUN mkdir -p /app/data && chown "$APP_UID" /app/data
USER $APP_UID
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ConnectionStrings__Itsm="Data Source=/app/data/itsm.db"
EXPOSE 8080
VOLUME /app/data
# The runtime image has no curl: bash's /dev/tcp asks /health/ready (database included).
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/ready HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "Itsm.Api.dll"]
