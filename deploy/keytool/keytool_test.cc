// Tests for samverkan-keytool: key files on disk, registry entries that the
// gateway's KeyRegistry reads back, appending, and the binary itself.
#include "deploy/keytool/keytool.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/transport/curve_keys.h"
#include "gateway/auth/key_registry.h"

namespace samverkan::deploy {
namespace {

namespace fs = std::filesystem;

class KeytoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl =
        fs::temp_directory_path().string() + "/samverkan-keytool-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  RegistryEntryRequest Request(const std::string& pub) {
    RegistryEntryRequest r;
    r.pub_file = pub;
    r.organisation = "kommun-orebro";
    r.kind = "MUNICIPALITY";
    r.roles = {"PUBLISHER", "COORDINATOR"};
    r.name = "Örebro kommun";
    return r;
  }

  std::string dir_;
};

TEST_F(KeytoolTest, GenerateWritesLoadableKeyFilesWithModes) {
  auto files = GenerateKeyFiles(dir_ + "/keys", "kommun", false);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  struct stat st;
  ASSERT_EQ(stat(files->key_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat(files->pub_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);

  auto keypair = transport::LoadKeypairFile(files->key_path);
  ASSERT_TRUE(keypair.ok()) << keypair.status().ToString();
  EXPECT_EQ(keypair->public_key, files->public_key);
  auto pub = transport::LoadPublicKeyFile(files->pub_path);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(*pub, files->public_key);
}

TEST_F(KeytoolTest, GenerateRefusesToReplaceKeysUnlessForced) {
  auto first = GenerateKeyFiles(dir_, "af", false);
  ASSERT_TRUE(first.ok());
  auto again = GenerateKeyFiles(dir_, "af", false);
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(transport::LoadKeypairFile(first->key_path)->public_key,
            first->public_key);
  auto forced = GenerateKeyFiles(dir_, "af", true);
  ASSERT_TRUE(forced.ok());
  EXPECT_NE(forced->public_key, first->public_key);
}

TEST_F(KeytoolTest, GenerateRejectsNamesThatAreNotPlainFileNames) {
  for (const char* name : {"", "../x", "a/b", ".hidden", "a b"}) {
    EXPECT_EQ(GenerateKeyFiles(dir_, name, false).status().code(),
              StatusCode::kInvalidArgument)
        << name;
  }
}

TEST_F(KeytoolTest, RegistryEntryLoadsBackThroughKeyRegistry) {
  auto files = GenerateKeyFiles(dir_, "kommun", false);
  ASSERT_TRUE(files.ok());
  auto entry = MakeRegistryEntry(Request(files->pub_path));
  ASSERT_TRUE(entry.ok()) << entry.status().ToString();
  auto registry = gateway::KeyRegistry::FromToml(*entry);
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  const gateway::Party* party = registry->FindByKey(files->public_key);
  ASSERT_NE(party, nullptr);
  EXPECT_EQ(party->organisation, "kommun-orebro");
  EXPECT_EQ(party->name, "Örebro kommun");
  EXPECT_EQ(party->kind, v1::MUNICIPALITY);
  EXPECT_EQ(party->roles,
            (std::vector<v1::Role>{v1::PUBLISHER, v1::COORDINATOR}));
}

TEST_F(KeytoolTest, RegistryEntryRejectsWhatTheGatewayWouldReject) {
  auto files = GenerateKeyFiles(dir_, "x", false);
  ASSERT_TRUE(files.ok());
  RegistryEntryRequest bad_kind = Request(files->pub_path);
  bad_kind.kind = "KOMMUN";
  EXPECT_NE(MakeRegistryEntry(bad_kind).status().message().find(
                "unknown kind \"KOMMUN\""),
            std::string::npos);
  RegistryEntryRequest bad_role = Request(files->pub_path);
  bad_role.roles = {"ADMIN"};
  EXPECT_NE(MakeRegistryEntry(bad_role).status().message().find(
                "unknown role \"ADMIN\""),
            std::string::npos);
  RegistryEntryRequest kindless_publisher = Request(files->pub_path);
  kindless_publisher.kind = "NONE";
  EXPECT_NE(MakeRegistryEntry(kindless_publisher)
                .status()
                .message()
                .find("kind NONE allows only the OPERATOR role"),
            std::string::npos);
  // A secret must never be read from where a .pub file is expected.
  EXPECT_FALSE(MakeRegistryEntry(Request(files->key_path)).ok());
}

TEST_F(KeytoolTest, AppendBuildsARegistryAndRefusesDuplicates) {
  std::string registry_path = dir_ + "/registry.toml";
  auto kommun = GenerateKeyFiles(dir_, "kommun", false);
  auto ops = GenerateKeyFiles(dir_, "ops", false);
  auto entry = MakeRegistryEntry(Request(kommun->pub_path));
  ASSERT_TRUE(entry.ok());
  ASSERT_TRUE(AppendRegistryEntry(registry_path, *entry).ok());

  RegistryEntryRequest op;
  op.pub_file = ops->pub_path;
  op.organisation = "drift";
  op.kind = "NONE";
  op.roles = {"OPERATOR"};
  auto op_entry = MakeRegistryEntry(op);
  ASSERT_TRUE(op_entry.ok()) << op_entry.status().ToString();
  ASSERT_TRUE(AppendRegistryEntry(registry_path, *op_entry).ok());

  std::string before = Read(registry_path);
  Status dup = AppendRegistryEntry(registry_path, *entry);
  EXPECT_EQ(dup.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(dup.message().find("already belongs"), std::string::npos);
  EXPECT_EQ(Read(registry_path), before);  // unchanged

  auto registry = gateway::KeyRegistry::LoadFile(registry_path);
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  EXPECT_EQ(registry->size(), 2u);
  EXPECT_EQ(registry->FindByKey(ops->public_key)->organisation, "drift");
}

// The binary sits next to this test (every executable lands in build/bin).
std::string KeytoolBinary() {
  if (const char* dir = std::getenv("SAMVERKAN_BIN_DIR")) {
    return std::string(dir) + "/samverkan-keytool";
  }
  return (fs::read_symlink("/proc/self/exe").parent_path() /
          "samverkan-keytool")
      .string();
}

// Runs a shell command, returning its exit code and stdout.
std::pair<int, std::string> RunCommand(const std::string& command) {
  std::string out;
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  std::array<char, 512> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0)
    out.append(buf.data(), n);
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST_F(KeytoolTest, BinaryGeneratesAndPrintsAnEntry) {
  std::string bin = KeytoolBinary();
  if (!fs::exists(bin)) GTEST_SKIP() << bin << " not built";
  auto [gen_rc, gen_out] =
      RunCommand(bin + " generate --out " + dir_ + " --name region");
  ASSERT_EQ(gen_rc, 0) << gen_out;
  auto [rc, entry] = RunCommand(bin + " registry-entry --pub " + dir_ +
                                "/region.pub --organisation region-orebro "
                                "--kind REGION_PSYCHIATRY --role PUBLISHER");
  ASSERT_EQ(rc, 0);
  auto registry = gateway::KeyRegistry::FromToml(entry);
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  auto pub = transport::LoadPublicKeyFile(dir_ + "/region.pub");
  ASSERT_NE(registry->FindByKey(*pub), nullptr);

  auto [bad_rc, bad_out] = RunCommand(bin + " registry-entry --pub " + dir_ +
                                      "/region.pub --organisation r --kind X "
                                      "--role PUBLISHER");
  EXPECT_EQ(bad_rc, 1);
  EXPECT_TRUE(bad_out.empty());
}

}  // namespace
}  // namespace samverkan::deploy
