-- The columns of HqEscalations and InboundEvents already refuse over-long values on SQL Server (V0005); this version
-- exists so that both providers share one list of migrations (SQLite adds the same limits as triggers).
PRINT N'V0008: HQ answer sizes are enforced by the column types.';
