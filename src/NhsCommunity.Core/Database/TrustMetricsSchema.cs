namespace NhsCommunity.Database;

/// <summary>The trust_metrics table as it exists in the users' Supabase database, for local databases we create.</summary>
public static class TrustMetricsSchema
{
    public const string CreateTable = """
        CREATE TABLE IF NOT EXISTS trust_metrics (
            id UUID DEFAULT gen_random_uuid() PRIMARY KEY,
            trust_code VARCHAR(3) NOT NULL,
            trust_name VARCHAR(255) NOT NULL,
            period DATE NOT NULL,
            data_type VARCHAR(20) NOT NULL,
            icb_code VARCHAR(10),
            icb_name VARCHAR(255),
            rtt_data JSONB,
            ae_data JSONB,
            diagnostics_data JSONB,
            community_data JSONB,
            capacity_data JSONB,
            created_at TIMESTAMPTZ DEFAULT NOW(),
            updated_at TIMESTAMPTZ DEFAULT NOW(),
            UNIQUE (trust_code, period, data_type)
        );
        """;
}
