using System.Text.Json.Nodes;
using NhsCommunity.Catalogue;
using NhsCommunity.Coverage;
using NhsCommunity.Tests.Infrastructure;
using static NhsCommunity.Tests.Coverage.CoverageTestDatabase;

namespace NhsCommunity.Tests.Coverage;

/// <summary>
/// One table holding clean trusts (R0A, RGT, TAD over August 2024 - January 2025) beside a hand-made bad
/// document for every check, each under a trust code of its own; the report is run once.
/// </summary>
public sealed class BadDocumentsFixture : IDisposable
{
    public static readonly DateTime Jan = Month(2025, 1);
    public static readonly IReadOnlyList<string> CleanTrusts = ["R0A", "RGT", "TAD"];

    private readonly CoverageTestDatabase? _database;

    public BadDocumentsFixture()
    {
        if (!TestPostgres.IsAvailable)
        {
            return;
        }

        _database = new CoverageTestDatabase("coverage_bad", uniqueConstraint: false);
        var db = _database;
        for (int i = 0; i < 6; i++)
        {
            DateTime period = Month(2024, 8).AddMonths(i);
            foreach (string code in CleanTrusts)
            {
                JsonObject document = Typical(period, i + code[1]);
                CleanDocuments[(code, period)] = document;
                db.Insert(code, period, document.ToJsonString());
            }
        }

        // InvalidDocument
        db.Insert("RA1", Jan, "\"{\\\"adult_services\\\": {}}\"");
        db.Insert("RA2", Jan, Edit(Typical(Jan), d => d["cyp_services"] = new JsonArray()));
        db.Insert("RA3", Jan, Edit(Typical(Jan), d => d["adult_services"]!["audiology"] = 5));

        // MissingKey
        db.Insert("RB1", Jan, Edit(Typical(Jan), d => d.Remove("metadata")));
        db.Insert("RB2", Jan, Edit(Typical(Jan), d => d["metadata"]!.AsObject().Remove("last_updated")));
        db.Insert("RB3", Jan, Edit(Typical(Jan), d => Audiology(d).Remove("wait_4_12_weeks")));
        db.Insert("RB4", Jan, Edit(Typical(Jan), d => Audiology(d).Remove("wait_104_plus_weeks")));
        db.Insert("RB5", Jan, Edit(Typical(Jan), d =>
        {
            Audiology(d).Remove("wait_12_18_weeks");
            d["metadata"]!["blank_bands"] = new JsonArray("adult_services.audiology.wait_12_18_weeks");
        }));

        // NotANumber
        db.Insert("RC1", Jan, Edit(Typical(Jan), d => Audiology(d)["total_waiting"] = Audiology(d)["total_waiting"]!.ToJsonString()));
        db.Insert("RC2", Jan, Edit(Typical(Jan), d => Audiology(d)["wait_0_1_weeks"] = 1.5));
        db.Insert("RC3", Jan, Edit(Typical(Jan), d => d["metadata"]!["services_reported"] = "3"));

        // NegativeCount
        db.Insert("RD1", Jan, Edit(Typical(Jan), d => Audiology(d)["wait_1_2_weeks"] = -3));

        // SplitSum
        db.Insert("RE1", Jan, Edit(Typical(Jan), d => Audiology(d)["wait_104_plus_weeks"] = Audiology(d)["wait_104_plus_weeks"]!.GetValue<long>() + 1));

        // MetadataMismatch, one per metadata figure
        db.Insert("RF1", Jan, Edit(Typical(Jan), d => d["metadata"]!["services_reported"] = 99));
        db.Insert("RF2", Jan, Edit(Typical(Jan), d => d["metadata"]!["total_waiting_all_services"] = d["metadata"]!["total_waiting_all_services"]!.GetValue<long>() + 1));
        db.Insert("RF3", Jan, Edit(Typical(Jan), d => d["metadata"]!["services_with_52plus_breaches"] = 0));

        // UnknownService (metadata kept consistent)
        db.Insert("RG1", Jan, Edit(Typical(Jan), d =>
        {
            JsonObject adult = d["adult_services"]!.AsObject();
            JsonNode service = adult["audiology"]!;
            adult.Remove("audiology");
            adult["audiologee"] = service;
        }));

        // BandSum: a large difference (Warning) and a one-patient difference (Info), metadata recounted
        db.Insert("RH1", Jan, Edit(Typical(Jan), d => Audiology(d)["total_waiting"] = Audiology(d)["total_waiting"]!.GetValue<long>() + 50, recount: true));
        db.Insert("RH2", Jan, Edit(Typical(Jan), d => Audiology(d)["total_waiting"] = Audiology(d)["total_waiting"]!.GetValue<long>() + 1, recount: true));

        // EmptyDocument
        db.Insert("RI1", Jan, "{}");
        db.Insert("RI2", Jan, "null");
        db.Insert("RI3", Jan, Document(Jan).ToJsonString());
        db.Insert("RI4", Month(2024, 11), null);           // before its first month with data
        db.Insert("RI4", Month(2024, 12), Typical(Month(2024, 12)).ToJsonString());
        db.Insert("RI4", Jan, Typical(Jan).ToJsonString());

        // MissingMonth: a row without a document, and no row at all, between months with data
        db.Insert("RJ1", Month(2024, 8), Typical(Month(2024, 8)).ToJsonString());
        db.Insert("RJ1", Month(2024, 9), null);
        db.Insert("RJ1", Month(2024, 10), Typical(Month(2024, 10)).ToJsonString());
        db.Insert("RJ2", Month(2024, 8), Typical(Month(2024, 8)).ToJsonString());
        db.Insert("RJ2", Month(2024, 10), Typical(Month(2024, 10)).ToJsonString());

        // DuplicateRow: the very same key twice, and the same trust and month in another spelling
        db.Insert("RK1", Jan, Typical(Jan).ToJsonString());
        db.Insert("RK1", Jan, Typical(Jan).ToJsonString());
        db.Insert("RK2", Jan, Typical(Jan).ToJsonString());
        db.Insert("rk2", Jan, Typical(Jan).ToJsonString(), dataType: "Monthly");

        // NotTrustCode: an independent provider and an ICB code
        db.Insert("NQV", Jan, Typical(Jan).ToJsonString());
        db.Insert("QOP", Jan, Typical(Jan).ToJsonString());

        Report = CoverageAnalyzer.Run(db.Connection, new CoverageScope());
    }

    public Dictionary<(string Code, DateTime Period), JsonObject> CleanDocuments { get; } = [];

    public CoverageReport? Report { get; }

    public string ConnectionString => _database!.ConnectionString;

    public void Dispose() => _database?.Dispose();

    private static JsonObject Audiology(JsonObject document) => document["adult_services"]!["audiology"]!.AsObject();

    private static string Edit(JsonObject document, Action<JsonObject> edit, bool recount = false)
    {
        edit(document);
        if (recount)
        {
            long total = 0;
            foreach (string category in new[] { "adult_services", "cyp_services" })
            {
                foreach (var (_, service) in document[category]!.AsObject())
                {
                    total += service!["total_waiting"]!.GetValue<long>();
                }
            }

            document["metadata"]!["total_waiting_all_services"] = total;
        }

        return document.ToJsonString();
    }
}
