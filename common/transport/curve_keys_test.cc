// Tests for CURVE key generation, validation and the key files.
#include "common/transport/curve_keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace samverkan::transport {
namespace {

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = std::filesystem::temp_directory_path().string() +
                       "/samverkan-keys-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& content,
                    mode_t mode = 0600) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << content;
    chmod(path.c_str(), mode);
    return path;
  }

  static mode_t ModeOf(const std::string& path) {
    struct stat st;
    EXPECT_EQ(stat(path.c_str(), &st), 0);
    return st.st_mode & 07777;
  }

  std::string dir_;
};

TEST(CurveKeysTest, GeneratedKeypairIsValidAndConsistent) {
  auto keypair = GenerateCurveKeypair();
  ASSERT_TRUE(keypair.ok()) << keypair.status().ToString();
  EXPECT_EQ(keypair->public_key.size(), kZ85KeyLength);
  EXPECT_EQ(keypair->secret_key.size(), kZ85KeyLength);
  EXPECT_TRUE(ValidateZ85Key(keypair->public_key, "public").ok());
  auto derived = DerivePublicKey(keypair->secret_key);
  ASSERT_TRUE(derived.ok());
  EXPECT_EQ(*derived, keypair->public_key);
  EXPECT_NE(GenerateCurveKeypair()->public_key, keypair->public_key);
}

TEST(CurveKeysTest, ValidateRejectsWrongLengthAndNonZ85) {
  Status short_key = ValidateZ85Key("abc", "public key in x.pub");
  EXPECT_EQ(short_key.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(short_key.message().find("public key in x.pub must be 40"),
            std::string::npos)
      << short_key.message();
  // '"' and '_' are outside the Z85 alphabet.
  Status bad_char = ValidateZ85Key(std::string(39, 'a') + "_", "key");
  EXPECT_EQ(bad_char.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_char.message().find("not valid Z85"), std::string::npos);
}

TEST_F(KeyFileTest, KeypairRoundTripsWithMode0600) {
  auto keypair = GenerateCurveKeypair();
  ASSERT_TRUE(keypair.ok());
  std::string path = dir_ + "/gateway.key";
  ASSERT_TRUE(SaveKeypairFile(path, *keypair, "gateway\nsecond line").ok());
  EXPECT_EQ(ModeOf(path), 0600u);
  auto loaded = LoadKeypairFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->public_key, keypair->public_key);
  EXPECT_EQ(loaded->secret_key, keypair->secret_key);
}

TEST_F(KeyFileTest, SavingOverAWiderFileNarrowsItsMode) {
  std::string path = Write("old.key", "junk", 0644);
  auto keypair = GenerateCurveKeypair();
  ASSERT_TRUE(SaveKeypairFile(path, *keypair, "").ok());
  EXPECT_EQ(ModeOf(path), 0600u);
  EXPECT_TRUE(LoadKeypairFile(path).ok());
}

TEST_F(KeyFileTest, PublicKeyFileRoundTrips) {
  auto keypair = GenerateCurveKeypair();
  std::string path = dir_ + "/kommun.pub";
  ASSERT_TRUE(SavePublicKeyFile(path, keypair->public_key, "kommun").ok());
  EXPECT_EQ(ModeOf(path), 0644u);
  auto loaded = LoadPublicKeyFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(*loaded, keypair->public_key);
}

TEST_F(KeyFileTest, PublicKeyFileWithASecretIsRefused) {
  auto keypair = GenerateCurveKeypair();
  std::string path = dir_ + "/leak.pub";
  ASSERT_TRUE(SaveKeypairFile(path, *keypair, "").ok());
  auto loaded = LoadPublicKeyFile(path);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("also holds a secret"),
            std::string::npos);
}

TEST_F(KeyFileTest, MissingFileIsNotFound) {
  auto loaded = LoadKeypairFile(dir_ + "/nope.key");
  EXPECT_EQ(loaded.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(LoadPublicKeyFile(dir_ + "/nope.pub").status().code(),
            StatusCode::kNotFound);
}

struct MalformedCase {
  std::string name;
  std::string content;  // $PUB / $SEC are replaced by a real keypair
  mode_t mode;
  StatusCode code;
  std::string message_part;
};

TEST_F(KeyFileTest, MalformedKeyFilesGiveClearErrors) {
  auto keypair = GenerateCurveKeypair();
  auto other = GenerateCurveKeypair();
  const std::vector<MalformedCase> cases = {
      {"not_toml", "public = \n", 0600, StatusCode::kInvalidArgument,
       "not valid TOML (line 1)"},
      {"missing_secret", "public = \"$PUB\"\n", 0600,
       StatusCode::kInvalidArgument, "has no \"secret\" key"},
      {"missing_public", "secret = \"$SEC\"\n", 0600,
       StatusCode::kInvalidArgument, "has no \"public\" key"},
      {"short_key", "public = \"abc\"\nsecret = \"$SEC\"\n", 0600,
       StatusCode::kInvalidArgument, "public key in"},
      {"bad_z85",
       "public = \"$PUB\"\nsecret = \"" + std::string(40, '_') + "\"\n", 0600,
       StatusCode::kInvalidArgument, "not valid Z85"},
      {"mismatch",
       "public = \"" + other->public_key + "\"\nsecret = \"$SEC\"\n", 0600,
       StatusCode::kInvalidArgument, "does not belong"},
      {"unknown_key", "public = \"$PUB\"\nsecret = \"$SEC\"\nsecert = \"x\"\n",
       0600, StatusCode::kInvalidArgument, "line 3: unexpected key \"secert\""},
      {"not_string", "public = 42\nsecret = \"$SEC\"\n", 0600,
       StatusCode::kInvalidArgument, "must be a quoted string"},
      {"group_readable", "public = \"$PUB\"\nsecret = \"$SEC\"\n", 0640,
       StatusCode::kFailedPrecondition, "mode 0640"},
  };
  for (const MalformedCase& c : cases) {
    SCOPED_TRACE(c.name);
    std::string content = c.content;
    for (auto [from, to] :
         {std::pair<std::string, std::string>{"$PUB", keypair->public_key},
          {"$SEC", keypair->secret_key}}) {
      for (size_t at; (at = content.find(from)) != std::string::npos;) {
        content.replace(at, from.size(), to);
      }
    }
    auto loaded = LoadKeypairFile(Write(c.name + ".key", content, c.mode));
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.status().code(), c.code) << loaded.status().ToString();
    EXPECT_NE(loaded.status().message().find(c.message_part), std::string::npos)
        << loaded.status().message();
  }
}

}  // namespace
}  // namespace samverkan::transport
