#include "tests/support/fixtures.hpp"

#include "core/services/directory_service.hpp"

namespace confrere::testkit {

namespace {

Person make_person(std::string username, std::string first, std::string last, std::string kind,
                   std::string identifier, int profession, std::string label, std::string dir_first,
                   std::string dir_last, model::Role role = model::Role::Member)
{
    Person p;
    p.email = username + "@example.org";
    p.password = "correct horse " + username;
    p.username = std::move(username);
    p.first_name = std::move(first);
    p.last_name = std::move(last);
    p.identifier_kind = std::move(kind);
    p.identifier = std::move(identifier);
    p.profession_code = profession;
    p.profession_label = std::move(label);
    p.directory_first_name = std::move(dir_first);
    p.directory_last_name = std::move(dir_last);
    p.role = role;
    return p;
}

} // namespace

const Person& pharmacist_alice()
{
    static const Person p = make_person("alice", "Alice", "Dupont", "rpps", "10000123454", 21,
                                        "Pharmacien", "Alice", "DUPONT");
    return p;
}

const Person& nurse_bob()
{
    static const Person p = make_person("bob", "Bob", "Martin", "rpps", "10123456781", 60,
                                        "Infirmier", "Bob", "MARTIN");
    return p;
}

const Person& podiatrist_carol()
{
    static const Person p = make_person("carol", "Carol", "Lefèvre", "adeli", "756012340", 80,
                                        "Pédicure-Podologue", "Carol", "LEFÈVRE");
    return p;
}

const Person& nursing_student_emma()
{
    static const Person p = make_person("emma", "Emma", "Petit", "student", "", 60, "Infirmier",
                                        "", "");
    return p;
}

const Person& moderator_marie()
{
    static const Person p = make_person("marie_mod", "Marie", "Curie", "", "", 0, "", "", "",
                                        model::Role::Moderator);
    return p;
}

const Person& admin_adam()
{
    static const Person p = make_person("adam_admin", "Adam", "Smith", "", "", 0, "", "", "",
                                        model::Role::Admin);
    return p;
}

services::InstancePolicy default_policy()
{
    return services::InstancePolicy{{21, 60, 80}, true};
}

services::RegistrationRequest registration_request(const Person& person)
{
    services::RegistrationRequest r;
    r.username = person.username;
    r.email = person.email;
    r.password = person.password;
    r.first_name = person.first_name;
    r.last_name = person.last_name;
    r.identifier_kind = person.identifier_kind;
    r.identifier = person.identifier;
    if (person.profession_code != 0)
        r.profession_code = person.profession_code;
    r.motivation = "Je souhaite échanger avec mes confrères.";
    r.agreement = true;
    if (person.identifier_kind == "student")
        r.attestation = pdf_attestation();
    return r;
}

services::AccountCreation account_creation(const Person& person)
{
    services::AccountCreation c;
    c.username = person.username;
    c.email = person.email;
    c.password = person.password;
    c.role = person.role;
    c.validated = true;
    c.first_name = person.first_name;
    c.last_name = person.last_name;
    c.profession_code = person.profession_code;
    return c;
}

ExtractPerson extract_person(const Person& person)
{
    ExtractPerson e;
    if (person.identifier_kind == "adeli")
        e.adeli = person.identifier;
    else
        e.rpps = person.identifier;
    e.last_name = person.directory_last_name;
    e.first_name = person.directory_first_name;
    e.profession_code = std::to_string(person.profession_code);
    e.profession_label = person.profession_label;
    return e;
}

model::Attestation pdf_attestation()
{
    return model::Attestation{"application/pdf",
                              "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"};
}

Status write_directory_extract(const std::filesystem::path& file, const std::vector<Person>& people)
{
    std::vector<ExtractPerson> rows;
    rows.reserve(people.size());
    for (const Person& p : people)
        rows.push_back(extract_person(p));
    return write_extract(file, rows);
}

Result<std::unique_ptr<Fixtures>> Fixtures::create(services::InstancePolicy policy)
{
    auto db = open_test_store();
    if (!db)
        return forward(db);
    return std::unique_ptr<Fixtures>(new Fixtures(std::move(*db), std::move(policy)));
}

Fixtures::Fixtures(TestStore db, services::InstancePolicy policy)
    : db_(std::move(db)),
      registrations_(*db_.store, clock_, ids_, std::move(policy)),
      moderation_(*db_.store, clock_),
      auth_(*db_.store, clock_, ids_)
{
}

Result<model::Account> Fixtures::register_applicant(const Person& person)
{
    return registrations_.register_applicant(registration_request(person));
}

Result<model::Account> Fixtures::add_member(const Person& person)
{
    auto account = register_applicant(person);
    if (!account)
        return account;
    auto approved = moderation_.approve(std::nullopt, account->id);
    if (!approved)
        return forward(approved);
    return approved->account;
}

Result<model::Account> Fixtures::add_staff(const Person& person)
{
    return registrations_.create_account(account_creation(person));
}

Result<model::DirectoryImport> Fixtures::import_directory(const std::vector<Person>& people)
{
    std::vector<ExtractPerson> rows;
    for (const Person& p : people)
        rows.push_back(extract_person(p));
    return import_extract(rows);
}

Result<model::DirectoryImport> Fixtures::import_extract(const std::vector<ExtractPerson>& rows)
{
    auto file = db_.dir.file("extract-" + std::to_string(++extracts_written_) + ".txt");
    if (auto rc = write_extract(file, rows); !rc)
        return forward(rc);
    return services::import_directory(*db_.store, clock_, file);
}

Result<std::optional<model::Account>> Fixtures::find_account(Id id)
{
    std::optional<model::Account> found;
    Status done = db_.store->read([&](storage::Repositories& repos) -> Status {
        auto a = repos.accounts().find_by_id(id);
        if (!a)
            return forward(a);
        found = std::move(*a);
        return ok();
    });
    if (!done)
        return forward(done);
    return found;
}

Result<std::optional<model::Registration>> Fixtures::find_registration(Id id)
{
    std::optional<model::Registration> found;
    Status done = db_.store->read([&](storage::Repositories& repos) -> Status {
        auto r = repos.accounts().find_registration(id);
        if (!r)
            return forward(r);
        found = std::move(*r);
        return ok();
    });
    if (!done)
        return forward(done);
    return found;
}

Result<std::int64_t> Fixtures::count_accounts()
{
    std::int64_t n = 0;
    Status done = db_.store->read([&](storage::Repositories& repos) -> Status {
        auto c = repos.accounts().count(std::nullopt);
        if (!c)
            return forward(c);
        n = *c;
        return ok();
    });
    if (!done)
        return forward(done);
    return n;
}

void ServicesTest::SetUp()
{
    auto created = Fixtures::create(policy());
    ASSERT_TRUE(created) << describe(created);
    fixtures_ = std::move(*created);
}

} // namespace confrere::testkit
