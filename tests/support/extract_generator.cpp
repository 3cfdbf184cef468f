#include "tests/support/extract_generator.hpp"

#include "core/base/c_handle.hpp"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace confrere::testkit {

namespace {

void close_file(std::FILE* f)
{
    std::fclose(f);
}
using File = CHandle<std::FILE, close_file>;

// §2.3, in order. The 2021 release stops after column 52 and spells 5, 45 and 46 differently.
const std::vector<std::string_view> kHeader2026{
    "Type d'identifiant PP", "Identifiant PP", "Identification nationale PP",
    "Code civilité d'exercice", "Libellé civilité exercice", "Code civilité", "Libellé civilité",
    "Nom d'exercice", "Prénom d'exercice", "Code profession", "Libellé profession",
    "Code catégorie professionnelle", "Libellé catégorie professionnelle",
    "Code type savoir-faire", "Libellé type savoir-faire", "Code savoir-faire",
    "Libellé savoir-faire", "Code mode exercice", "Libellé mode exercice", "Numéro SIRET site",
    "Numéro SIREN site", "Numéro FINESS site", "Numéro FINESS établissement juridique",
    "Identifiant technique de la structure", "Raison sociale site", "Enseigne commerciale site",
    "Complément destinataire (coord. structure)",
    "Complément point géographique (coord. structure)", "Numéro Voie (coord. structure)",
    "Indice répétition voie (coord. structure)", "Code type de voie (coord. structure)",
    "Libellé type de voie (coord. structure)", "Libellé Voie (coord. structure)",
    "Mention distribution (coord. structure)", "Bureau cedex (coord. structure)",
    "Code postal (coord. structure)", "Code commune (coord. structure)",
    "Libellé commune (coord. structure)", "Code pays (coord. structure)",
    "Libellé pays (coord. structure)", "Téléphone (coord. structure)",
    "Téléphone 2 (coord. structure)", "Télécopie (coord. structure)",
    "Adresse e-mail (coord. structure)", "Code département (coord. structure)",
    "Libellé département (coord. structure)", "Ancien identifiant de la structure",
    "Autorité d'enregistrement", "Code secteur d'activité", "Libellé secteur d'activité",
    "Code section tableau pharmaciens", "Libellé section tableau pharmaciens", "Code fonction",
    "Libellé fonction", "Code genre d'activité", "Libellé genre d'activité",
};

std::vector<std::string_view> make_header_2021()
{
    std::vector<std::string_view> h(kHeader2026.begin(), kHeader2026.begin() + 52);
    h[4] = "Libellé civilité d'exercice";
    h[44] = "Code Département (structure)";
    h[45] = "Libellé Département (structure)";
    return h;
}
const std::vector<std::string_view> kHeader2021 = make_header_2021();

// Reverse of the CP1252 0x80-0x9F block, for the characters French names and labels use.
constexpr std::array<std::pair<char32_t, unsigned char>, 27> kCp1252High{{
    {0x20AC, 0x80}, {0x201A, 0x82}, {0x0192, 0x83}, {0x201E, 0x84}, {0x2026, 0x85},
    {0x2020, 0x86}, {0x2021, 0x87}, {0x02C6, 0x88}, {0x2030, 0x89}, {0x0160, 0x8A},
    {0x2039, 0x8B}, {0x0152, 0x8C}, {0x017D, 0x8E}, {0x2018, 0x91}, {0x2019, 0x92},
    {0x201C, 0x93}, {0x201D, 0x94}, {0x2022, 0x95}, {0x2013, 0x96}, {0x2014, 0x97},
    {0x02DC, 0x98}, {0x2122, 0x99}, {0x0161, 0x9A}, {0x203A, 0x9B}, {0x0153, 0x9C},
    {0x017E, 0x9E}, {0x0178, 0x9F},
}};

// Our own UTF-8 literals only: a malformed sequence just becomes '?'.
std::string utf8_to_cp1252(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (i + len > s.size())
            len = s.size() - i;
        char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
        for (std::size_t k = 1; k < len; ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        i += len;
        if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF)) {
            out += static_cast<char>(cp);
            continue;
        }
        char mapped = '?';
        for (const auto& [from, to] : kCp1252High)
            if (from == cp)
                mapped = static_cast<char>(to);
        out += mapped;
    }
    return out;
}

// Deterministic variety for filler rows (no RNG: two runs give the same file).
constexpr std::array<std::string_view, 12> kLastNames{
    "MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND",
    "LEFÈVRE", "MOREAU", "GIRAUD-LÉGER", "D'ANGELO"};
constexpr std::array<std::string_view, 12> kFirstNames{
    "Hélène", "Françoise", "Gaëlle", "Jérôme", "Éric", "Noël", "Anaïs", "Loïc", "Zoé",
    "Benoît", "Chloé", "Jean-François"};

struct Profession {
    std::string_view code, label, civility_code, civility_label, authority;
};
constexpr std::array<Profession, 7> kProfessions{{
    {"10", "Médecin", "DR", "Docteur", "CNOM/CNOM/CNOM"},
    {"21", "Pharmacien", "DR", "Docteur", "CNOP/CNOP/CNOP"},
    {"60", "Infirmier", "", "", "ONI/ONI/ONI"},
    {"70", "Masseur-Kinésithérapeute", "", "", "CNOMK/CNOMK/CNOMK"},
    {"80", "Pédicure-Podologue", "", "", "ONPP/ONPP/ONPP"},
    {"40", "Chirurgien-Dentiste", "DR", "Docteur", "CNOCD/CNOCD/CNOCD"},
    {"50", "Sage-Femme", "", "", "CNOSF/CNOSF/CNOSF"},
}};

struct Town {
    std::string_view postcode, insee, name, dept, dept_name;
};
constexpr std::array<Town, 5> kTowns{{
    {"75011", "75111", "Paris", "75", "Paris"},
    {"69003", "69383", "Lyon", "69", "Rhône"},
    {"13005", "13205", "Marseille", "13", "Bouches-du-Rhône"},
    {"62100", "62193", "Calais", "62", "Pas-de-Calais"},
    {"38250", "38205", "Lans-en-Vercors", "38", "Isère"},
}};

// The civility, savoir-faire and authority columns follow the person's profession.
const Profession& profession_of(std::string_view code)
{
    static constexpr Profession kOther{"", "", "", "", "ARS/ARS/ARS"};
    for (const auto& prof : kProfessions)
        if (prof.code == code)
            return prof;
    return kOther;
}

std::string_view category_label(std::string_view code)
{
    if (code == "C") return "Civil";
    if (code == "E") return "Etudiant";
    if (code == "M") return "Agent public";
    if (code == "F") return "Fonctionnaire";
    return "";
}

std::string digits(std::int64_t value, int width)
{
    char buf[24];
    std::snprintf(buf, sizeof buf, "%0*lld", width, static_cast<long long>(value));
    return buf;
}

// Builds one line in UTF-8. `site` varies the practice columns between a person's rows.
void build_row(std::string& line, const ExtractPerson& p, std::int64_t site, std::size_t columns)
{
    const Profession& prof = profession_of(p.profession_code);
    const Town& town = kTowns[static_cast<std::size_t>(site / 7) % kTowns.size()];
    const bool rpps = !p.rpps.empty();
    const bool adeli = !rpps && !p.adeli.empty();
    const bool woman = site % 2 == 0;
    const bool liberal = site % 2 != 0;
    const std::string siren = with_luhn_key(digits(30000000 + site % 60000000, 8));
    const std::string siret = with_luhn_key(siren + digits(site % 10000, 4));
    const std::string structure = "R" + digits(10100000000000 + site, 14);

    std::size_t count = 0;
    line.clear();
    auto add = [&](std::string_view v) {
        if (count++ < columns) {
            line += v;
            line += '|';
        }
    };
    add(rpps ? "8" : adeli ? "0" : "");
    add(rpps ? p.rpps : p.adeli);
    add(rpps ? "8" + p.rpps : adeli ? "0" + p.adeli : std::string());
    add(prof.civility_code);
    add(prof.civility_label);
    add(woman ? "MME" : "M");
    add(woman ? "Madame" : "Monsieur");
    add(p.last_name);
    add(p.first_name);
    add(p.profession_code);
    add(p.profession_label);
    add(p.category_code);
    add(category_label(p.category_code));
    add(prof.code == "10" ? "S" : "");
    add(prof.code == "10" ? "Spécialité ordinale" : "");
    add(prof.code == "10" ? "SM54" : "");
    add(prof.code == "10" ? "Médecine Générale" : "");
    add(liberal ? "L" : "S");
    add(liberal ? "Libéral, indépendant, artisan, commerçant" : "Salarié");
    add(liberal ? siret : "");
    add(liberal ? siren : "");
    add(liberal ? "" : with_luhn_key(std::string(town.dept) + "0" + digits(site % 100000, 5)));
    add("");
    add(structure);
    add(liberal ? "CABINET DES TILLEULS" : "CENTRE HOSPITALIER");
    add(liberal ? "" : "CH GÉNÉRAL");
    add("");
    add(site % 5 == 0 ? "BÂTIMENT B" : "");
    add(std::to_string(1 + site % 180));
    add(site % 11 == 0 ? "B" : "");
    add("R");
    add("Rue");
    add("DE LA RÉPUBLIQUE");
    add("");
    add(std::string(town.postcode) + " " + std::string(town.name));
    add(town.postcode);
    add(town.insee);
    add(town.name);
    add("");
    add("");
    add("0" + digits(100000000 + site % 900000000, 9));
    add("");
    add("");
    add(liberal && site % 4 == 0 ? "cabinet.tilleuls@example.fr" : "");
    add(town.dept);
    add(town.dept_name);
    add(liberal ? "3" + siret : "");
    add(prof.authority);
    add(liberal ? "SA08" : "SA01");
    add(liberal ? "Cabinet de groupe" : "Etablissement public de santé");
    add(p.profession_code == "21" ? "A" : "");
    add(p.profession_code == "21" ? "Pharmacien titulaire d'officine" : "");
    add("");
    add("");
    add(site % 2 == 0 ? "GENR01" : "");
    add(site % 2 == 0 ? "Activité standard de soin ou de pharmacien" : "");
}

class Writer {
public:
    Writer(std::FILE* f, const ExtractOptions& options) : file_(f), options_(options) {}

    // Writes a UTF-8 line (without terminator) in the chosen encoding and line ending.
    bool line(std::string& utf8)
    {
        utf8 += options_.line_ending == LineEnding::CrLf ? "\r\n" : "\n";
        if (options_.encoding == directory::Encoding::Cp1252)
            utf8 = utf8_to_cp1252(utf8);
        return std::fwrite(utf8.data(), 1, utf8.size(), file_) == utf8.size();
    }

private:
    std::FILE* file_;
    const ExtractOptions& options_;
};

Status write_failed(const std::filesystem::path& file)
{
    return fail(ErrorKind::Internal, "Cannot write the extract.",
                file.string() + ": " + std::strerror(errno));
}

} // namespace

const std::vector<std::string_view>& extract_header(HeaderVariant variant)
{
    return variant == HeaderVariant::Release2021 ? kHeader2021 : kHeader2026;
}

std::string with_luhn_key(std::string_view body)
{
    int sum = 0;
    bool doubled = true;  // the key will sit right of the body: its last digit is doubled
    for (auto it = body.rbegin(); it != body.rend(); ++it) {
        int d = *it - '0';
        if (doubled)
            d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
        doubled = !doubled;
    }
    return std::string(body) + char('0' + (10 - sum % 10) % 10);
}

std::string filler_rpps(std::int64_t n)
{
    return with_luhn_key("19" + digits(n % 100000000, 8));
}

Status write_extract(const std::filesystem::path& file, const std::vector<ExtractPerson>& people,
                     const ExtractOptions& options)
{
    File f(std::fopen(file.c_str(), "wb"));
    if (!f)
        return write_failed(file);
    std::setvbuf(f.get(), nullptr, _IOFBF, std::size_t{1} << 20);
    Writer writer(f.get(), options);

    const auto& header = extract_header(options.header);
    // The BOM is UTF-8 whatever the encoding, as a careless export would write it.
    if (options.bom == ByteOrderMark::Present && std::fwrite("\xEF\xBB\xBF", 1, 3, f.get()) != 3)
        return write_failed(file);
    std::string line;
    for (const auto label : header) {
        line += label;
        line += '|';
    }
    if (!writer.line(line))
        return write_failed(file);

    std::int64_t site = 0;
    for (const auto& person : people) {
        for (int i = 0; i < options.activities_per_person; ++i) {
            build_row(line, person, site++, header.size());
            if (!writer.line(line))
                return write_failed(file);
        }
    }

    ExtractPerson filler;
    for (std::int64_t n = 0; n < options.filler_rows; ++n) {
        const auto k = static_cast<std::size_t>(n);
        const Profession& prof = kProfessions[k % kProfessions.size()];
        filler.rpps = filler_rpps(n);
        filler.last_name = kLastNames[k % kLastNames.size()];
        filler.first_name = kFirstNames[(k / kLastNames.size()) % kFirstNames.size()];
        filler.profession_code = prof.code;
        filler.profession_label = prof.label;
        build_row(line, filler, n, header.size());
        if (!writer.line(line))
            return write_failed(file);
    }
    if (std::fflush(f.get()) != 0)
        return write_failed(file);
    return ok();
}

} // namespace confrere::testkit
