using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace NhsCommunity.Catalogue;

/// <summary>
/// The 47 published services and their JSON keys: the one source of truth for service names.
/// Headers are matched after normalisation (case, spacing, punctuation), because the published
/// text drifts in small ways ("Continence/ colostomy").
/// </summary>
public static class ServiceCatalogue
{
    private const string Ltc = "Nursing and Therapy support for LTCs: ";

    public static IReadOnlyList<ServiceDefinition> All { get; } =
    [
        new(ServiceCategory.Adult, "Adult safeguarding", "adult_safeguarding", NationalOnly: true),
        new(ServiceCategory.Adult, "Audiology", "audiology"),
        new(ServiceCategory.Adult, "Clinical support to social care, care homes and domiciliary care", "clinical_support_social_care"),
        new(ServiceCategory.Adult, "Community nursing services", "community_nursing"),
        new(ServiceCategory.Adult, "Home oxygen assessment services", "home_oxygen"),
        new(ServiceCategory.Adult, "Intermediate care and reablement", "intermediate_care_reablement"),
        new(ServiceCategory.Adult, "Musculoskeletal service", "msk_service"),
        new(ServiceCategory.Adult, "Neurorehabilitation (multi-disciplinary)", "neurorehabilitation"),
        new(ServiceCategory.Adult, Ltc + "Continence/ colostomy", "ltc_continence"),
        new(ServiceCategory.Adult, Ltc + "Diabetes", "ltc_diabetes"),
        new(ServiceCategory.Adult, Ltc + "Falls", "ltc_falls"),
        new(ServiceCategory.Adult, Ltc + "Heart failure", "ltc_heart_failure"),
        new(ServiceCategory.Adult, Ltc + "Lymphoedema", "ltc_lymphoedema"),
        new(ServiceCategory.Adult, Ltc + "MND", "ltc_mnd"),
        new(ServiceCategory.Adult, Ltc + "MS", "ltc_ms"),
        new(ServiceCategory.Adult, Ltc + "Respiratory/COPD", "ltc_respiratory"),
        new(ServiceCategory.Adult, Ltc + "Stroke", "ltc_stroke"),
        new(ServiceCategory.Adult, Ltc + "TB", "ltc_tb"),
        new(ServiceCategory.Adult, Ltc + "Tissue viability", "ltc_tissue_viability"),
        new(ServiceCategory.Adult, "Podiatry and podiatric surgery", "podiatry"),
        new(ServiceCategory.Adult, "Rehabilitation bed-based care", "rehab_bed_based"),
        new(ServiceCategory.Adult, "Rehabilitation services (integrated)", "rehab_integrated"),
        new(ServiceCategory.Adult, "Therapy interventions: Dietetics", "therapy_dietetics"),
        new(ServiceCategory.Adult, "Therapy interventions: Occupational therapy", "therapy_ot"),
        new(ServiceCategory.Adult, "Therapy interventions: Orthotics", "therapy_orthotics"),
        new(ServiceCategory.Adult, "Therapy interventions: Physiotherapy", "therapy_physiotherapy"),
        new(ServiceCategory.Adult, "Therapy interventions: Speech and language", "therapy_speech_language"),
        new(ServiceCategory.Adult, "Urgent Community Response/Rapid Response team", "urgent_community_response"),
        new(ServiceCategory.Adult, "Weight management and obesity services", "weight_management"),
        new(ServiceCategory.Adult, "Wheelchair, orthotics, prosthetics and equipment", "wheelchair_equipment"),
        new(ServiceCategory.CYP, "Antenatal, new-born and children screening and immunisation services", "antenatal_screening"),
        new(ServiceCategory.CYP, "Audiology", "audiology"),
        new(ServiceCategory.CYP, "Child health information service", "child_health_info"),
        new(ServiceCategory.CYP, "Community nursing services (planned care and rapid response teams)", "community_nursing"),
        new(ServiceCategory.CYP, "Community paediatric service", "community_paediatrics"),
        new(ServiceCategory.CYP, "Looked after children teams", "looked_after_children", NationalOnly: true),
        new(ServiceCategory.CYP, "New-born hearing screening", "newborn_hearing"),
        new(ServiceCategory.CYP, "Nursing and Therapy teams support for long term conditions", "ltc_support"),
        new(ServiceCategory.CYP, "Rapid Response Services", "rapid_response"),
        new(ServiceCategory.CYP, "Safeguarding", "safeguarding", NationalOnly: true),
        new(ServiceCategory.CYP, "Therapy interventions: Dietetics", "therapy_dietetics"),
        new(ServiceCategory.CYP, "Therapy interventions: Occupational therapy", "therapy_ot"),
        new(ServiceCategory.CYP, "Therapy interventions: Orthotics", "therapy_orthotics"),
        new(ServiceCategory.CYP, "Therapy interventions: Physiotherapy", "therapy_physiotherapy"),
        new(ServiceCategory.CYP, "Therapy interventions: Speech and language", "therapy_speech_language"),
        new(ServiceCategory.CYP, "Vision screening", "vision_screening"),
        new(ServiceCategory.CYP, "Wheelchair, orthotics, prosthetics and equipment", "wheelchair_equipment"),
    ];

    private static readonly FrozenDictionary<string, ServiceDefinition> ByNormalisedHeader =
        All.ToFrozenDictionary(s => Normalise(s.HeaderText), StringComparer.Ordinal);

    /// <summary>Every distinct service key, for completion and validation.</summary>
    public static IReadOnlyList<string> Keys { get; } = All.Select(s => s.Key).Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>Finds the service a header names, tolerating small differences in spacing and punctuation.</summary>
    public static bool TryMatch(string header, out ServiceDefinition service) =>
        ByNormalisedHeader.TryGetValue(Normalise(header), out service!);

    /// <summary>
    /// Reads the category prefix of a header the catalogue does not know, and derives a key from its text,
    /// so an unrecognised column is kept (and reported) rather than dropped.
    /// </summary>
    public static ServiceDefinition Derive(string header)
    {
        string text = header.Trim();
        ServiceCategory category = ServiceCategory.Adult;
        if (text.StartsWith("(CYP)", StringComparison.OrdinalIgnoreCase))
        {
            category = ServiceCategory.CYP;
            text = text[5..].Trim();
        }
        else if (text.StartsWith("(A)", StringComparison.OrdinalIgnoreCase))
        {
            text = text[3..].Trim();
        }

        return new ServiceDefinition(category, text, DeriveKey(text));
    }

    /// <summary>
    /// Lower-case words joined by underscores: "Pain management (adult)" becomes "pain_management_adult". Accented
    /// letters lose their accents ("Œdème clinic" becomes "oedeme_clinic"); a header with nothing left in Latin
    /// letters or digits gets "service_" and a stable hash of its text, so no key is ever empty.
    /// </summary>
    public static string DeriveKey(string text)
    {
        var key = new StringBuilder(text.Length);
        foreach (char c in Transliterate(text).ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                key.Append(c);
            }
            else if (key.Length > 0 && key[^1] != '_')
            {
                key.Append('_');
            }
        }

        string slug = key.ToString().TrimEnd('_');
        return slug.Length > 0 ? slug : "service_" + Fnv1a(text.Trim()).ToString("x8", CultureInfo.InvariantCulture);
    }

    /// <summary>Latin letters without their accents, and the few that do not decompose spelled out.</summary>
    private static string Transliterate(string text)
    {
        var plain = new StringBuilder(text.Length);
        foreach (char c in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            plain.Append(c switch
            {
                'ß' => "ss",
                'æ' or 'Æ' => "ae",
                'œ' or 'Œ' => "oe",
                'ø' or 'Ø' => "o",
                'ł' or 'Ł' => "l",
                'đ' or 'Đ' or 'ð' or 'Ð' => "d",
                'þ' or 'Þ' => "th",
                'ı' => "i",
                _ => c.ToString(),
            });
        }

        return plain.ToString();
    }

    /// <summary>32-bit FNV-1a of the UTF-8 text: the same header gives the same key on every machine and run.</summary>
    private static uint Fnv1a(string text)
    {
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 16777619;
        }

        return hash;
    }

    /// <summary>Letters and digits only, lower case: spacing, slashes and dashes do not decide a match.</summary>
    internal static string Normalise(string header)
    {
        var normal = new StringBuilder(header.Length);
        foreach (char c in header)
        {
            if (char.IsLetterOrDigit(c))
            {
                normal.Append(char.ToLowerInvariant(c));
            }
        }

        return normal.ToString();
    }
}
