namespace OaiqPixel.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>The databases every outbox behaviour is proven on.</summary>
public enum DbProvider
{
    /// <summary>SQLite in a temporary file: the embedded default, claimed with the portable path.</summary>
    Sqlite,

    /// <summary>A real PostgreSQL server (<see cref="PostgresCluster"/>), claimed with FOR UPDATE SKIP LOCKED.</summary>
    PostgreSql,
}
