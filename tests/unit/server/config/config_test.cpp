// The TOML configuration: defaults, every key, and refusals that name what is wrong.
#include "server/config/config.hpp"

#include "tests/support/test_store.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace confrere::server {
namespace {

namespace fs = std::filesystem;
using testkit::describe;

class ConfigTest : public ::testing::Test {
protected:
    fs::path write(const std::string& toml, const std::string& name = "confrere.toml")
    {
        fs::path file = dir_.file(name);
        std::ofstream(file, std::ios::binary) << toml;
        return file;
    }

    Result<Config> load(const std::string& toml) { return load_config(write(toml)); }

    // Loads `toml` expecting a refusal whose message contains `needle`.
    void expect_refused(const std::string& toml, const std::string& needle)
    {
        auto c = load(toml);
        ASSERT_FALSE(c) << "accepted:\n" << toml;
        EXPECT_EQ(c.error().kind, ErrorKind::InvalidInput);
        EXPECT_NE(c.error().public_message.find(needle), std::string::npos)
            << "message: " << c.error().public_message << "\nexpected to contain: " << needle;
    }

    testkit::TempDir dir_;
};

TEST_F(ConfigTest, EmptyFileGivesTheDocumentedDefaults)
{
    auto c = load("");
    ASSERT_TRUE(c) << describe(c);
    EXPECT_EQ(c->base_url, "");
    EXPECT_EQ(c->name, "Confrère");
    EXPECT_EQ(c->description, "");
    EXPECT_EQ(c->languages, (std::vector<std::string>{"fr", "en"}));
    EXPECT_EQ(c->professions, (std::vector<int>{21}));
    EXPECT_EQ(c->registration, "approval");
    EXPECT_EQ(c->contact_email, "");
    EXPECT_EQ(c->listen_address, "127.0.0.1");
    EXPECT_EQ(c->port, 8080);
    EXPECT_EQ(c->io_threads, 2);
    EXPECT_EQ(c->worker_threads, 4);
    EXPECT_EQ(c->max_body_bytes, 1048576u);
    EXPECT_EQ(c->max_upload_bytes, 8388608u);
    EXPECT_EQ(c->max_header_bytes, 16384u);
    EXPECT_EQ(c->read_timeout, std::chrono::seconds(15));
    EXPECT_EQ(c->idle_timeout, std::chrono::seconds(60));
    EXPECT_EQ(c->shutdown_grace, std::chrono::seconds(10));
    EXPECT_FALSE(c->allow_private_addresses);
    EXPECT_EQ(c->log_level, "info");
    EXPECT_EQ(c->data_dir, dir_.path() / "data");
    EXPECT_EQ(c->database_path(), dir_.path() / "data" / "confrere.sqlite3");
    EXPECT_TRUE(c->config_path.is_absolute());
}

TEST_F(ConfigTest, EveryKeyIsRead)
{
    auto c = load(R"(
[instance]
base_url = "https://pharmacie.example"
name = "Confrère Pharmacie"
description = "Le réseau des pharmaciens"
languages = ["en", "fr", "de"]
professions = [21, 60, 80]
registration = "closed"
contact_email = "moderation@pharmacie.example"

[http]
listen_address = "0.0.0.0"
port = 0
io_threads = 3
worker_threads = 7
max_body_bytes = 2048
max_upload_bytes = 4096
max_header_bytes = 8192
read_timeout_seconds = 5
idle_timeout_seconds = 6
shutdown_grace_seconds = 0

[storage]
data_dir = "/var/lib/confrere"

[federation]
allow_private_addresses = true

[log]
level = "debug"
)");
    ASSERT_TRUE(c) << describe(c);
    EXPECT_EQ(c->base_url, "https://pharmacie.example");
    EXPECT_EQ(c->name, "Confrère Pharmacie");
    EXPECT_EQ(c->description, "Le réseau des pharmaciens");
    EXPECT_EQ(c->languages, (std::vector<std::string>{"en", "fr", "de"}));
    EXPECT_EQ(c->professions, (std::vector<int>{21, 60, 80}));
    EXPECT_EQ(c->registration, "closed");
    EXPECT_EQ(c->contact_email, "moderation@pharmacie.example");
    EXPECT_EQ(c->listen_address, "0.0.0.0");
    EXPECT_EQ(c->port, 0);
    EXPECT_EQ(c->io_threads, 3);
    EXPECT_EQ(c->worker_threads, 7);
    EXPECT_EQ(c->max_body_bytes, 2048u);
    EXPECT_EQ(c->max_upload_bytes, 4096u);
    EXPECT_EQ(c->max_header_bytes, 8192u);
    EXPECT_EQ(c->read_timeout, std::chrono::seconds(5));
    EXPECT_EQ(c->idle_timeout, std::chrono::seconds(6));
    EXPECT_EQ(c->shutdown_grace, std::chrono::seconds(0));
    EXPECT_EQ(c->data_dir, fs::path("/var/lib/confrere"));
    EXPECT_TRUE(c->allow_private_addresses);
    EXPECT_EQ(c->log_level, "debug");
}

TEST_F(ConfigTest, ShippedExampleLoads)
{
    // tests/unit/server/config/ -> the source root.
    const fs::path root = fs::path(__FILE__).parent_path() / ".." / ".." / ".." / "..";
    auto c = load_config(root / "deploy" / "confrere.example.toml");
    ASSERT_TRUE(c) << describe(c);
    EXPECT_EQ(c->base_url, "https://pharmacie.example");
}

TEST_F(ConfigTest, RelativeDataDirIsResolvedAgainstTheConfigFilesDirectory)
{
    fs::create_directories(dir_.path() / "etc");
    auto c = load_config(write("[storage]\ndata_dir = \"../var/confrere\"\n", "etc/confrere.toml"));
    ASSERT_TRUE(c) << describe(c);
    EXPECT_EQ(c->data_dir, dir_.path() / "etc" / "../var/confrere");
    EXPECT_EQ(fs::weakly_canonical(c->data_dir), fs::weakly_canonical(dir_.path() / "var" / "confrere"));
}

TEST_F(ConfigTest, TrailingSlashesOfTheBaseUrlAreDropped)
{
    auto c = load("[instance]\nbase_url = \"https://pharmacie.example//\"\n");
    ASSERT_TRUE(c) << describe(c);
    EXPECT_EQ(c->base_url, "https://pharmacie.example");
}

TEST_F(ConfigTest, UnknownKeyIsRefusedWithItsName)
{
    expect_refused("[http]\nprot = 8081\n", "http.prot");
}

TEST_F(ConfigTest, UnknownSectionIsRefusedWithItsName)
{
    expect_refused("[htpp]\nport = 8081\n", "[htpp]");
}

TEST_F(ConfigTest, KeyOutsideAnySectionIsRefusedWithItsName)
{
    expect_refused("port = 8081\n", "port");
}

TEST_F(ConfigTest, SyntaxErrorGivesTheLine)
{
    expect_refused("[instance]\nname = \"ok\"\n\n[http]\nport = = 8081\n", "line 5");
}

TEST_F(ConfigTest, UnterminatedStringGivesTheLine)
{
    expect_refused("[instance]\nname = \"Confrère\ndescription = \"x\"\n", "line 2");
}

TEST_F(ConfigTest, ErrorMessageNamesTheFile)
{
    expect_refused("[htpp]\n", "confrere.toml");
}

TEST_F(ConfigTest, MissingFileIsRefused)
{
    auto c = load_config(dir_.file("absent.toml"));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().kind, ErrorKind::InvalidInput);
}

TEST_F(ConfigTest, PortAsAStringIsRefused)
{
    expect_refused("[http]\nport = \"8081\"\n", "http.port");
}

TEST_F(ConfigTest, PortAsABooleanIsRefused)
{
    expect_refused("[http]\nport = true\n", "http.port");
}

TEST_F(ConfigTest, PortOutOfRangeIsRefused)
{
    expect_refused("[http]\nport = 65536\n", "http.port");
    expect_refused("[http]\nport = -1\n", "http.port");
}

TEST_F(ConfigTest, ZeroIoThreadsIsRefused)
{
    expect_refused("[http]\nio_threads = 0\n", "http.io_threads");
}

TEST_F(ConfigTest, StatusLengthLimitDefaultsTo5000AndIsBounded)
{
    auto c = load("");
    ASSERT_TRUE(c) << describe(c);
    EXPECT_EQ(c->status_max_characters, 5000u);
    c = load("[limits]\nstatus_max_characters = 500\n");
    ASSERT_TRUE(c) << describe(c);
    EXPECT_EQ(c->status_max_characters, 500u);
    expect_refused("[limits]\nstatus_max_characters = 0\n", "limits.status_max_characters");
    expect_refused("[limits]\nstatus_max_characters = 25001\n", "limits.status_max_characters");
}

TEST_F(ConfigTest, TinyBodyLimitIsRefused)
{
    expect_refused("[http]\nmax_body_bytes = 10\n", "http.max_body_bytes");
}

TEST_F(ConfigTest, NameAsANumberIsRefused)
{
    expect_refused("[instance]\nname = 5\n", "instance.name");
}

TEST_F(ConfigTest, LanguagesAsAStringIsRefused)
{
    expect_refused("[instance]\nlanguages = \"fr\"\n", "instance.languages");
}

TEST_F(ConfigTest, EmptyLanguagesIsRefused)
{
    expect_refused("[instance]\nlanguages = []\n", "instance.languages");
}

TEST_F(ConfigTest, ProfessionCodesAsStringsAreRefused)
{
    expect_refused("[instance]\nprofessions = [\"21\"]\n", "instance.professions");
}

TEST_F(ConfigTest, ProfessionCodeOutOfRangeIsRefused)
{
    expect_refused("[instance]\nprofessions = [21, 100]\n", "instance.professions");
}

TEST_F(ConfigTest, UnknownRegistrationModeIsRefused)
{
    expect_refused("[instance]\nregistration = \"open\"\n", "instance.registration");
}

TEST_F(ConfigTest, BaseUrlWithoutHttpSchemeIsRefused)
{
    expect_refused("[instance]\nbase_url = \"pharmacie.example\"\n", "instance.base_url");
}

TEST_F(ConfigTest, UnknownLogLevelIsRefused)
{
    expect_refused("[log]\nlevel = \"verbose\"\n", "log.level");
}

TEST_F(ConfigTest, AllowPrivateAddressesAsAStringIsRefused)
{
    expect_refused("[federation]\nallow_private_addresses = \"yes\"\n", "federation.allow_private_addresses");
}

TEST_F(ConfigTest, AllowPrivateAddressesAsAnIntegerIsRefused)
{
    // A switch that opens SSRF must be a real boolean, not whatever converts to one.
    expect_refused("[federation]\nallow_private_addresses = 1\n", "federation.allow_private_addresses");
}

TEST_F(ConfigTest, DataDirAsANumberIsRefused)
{
    expect_refused("[storage]\ndata_dir = 42\n", "storage.data_dir");
}

TEST_F(ConfigTest, SectionGivenAsAValueIsRefused)
{
    expect_refused("http = 8080\n", "http");
}

} // namespace
} // namespace confrere::server
