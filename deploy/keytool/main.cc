// samverkan-keytool: command-line wiring only; the work is in keytool.cc.
//   samverkan-keytool generate --out DIR --name NAME [--force]
//   samverkan-keytool registry-entry --pub FILE --organisation ORG
//       --kind KIND --role ROLE [--role ROLE...] [--name N] [--append FILE]
#include <CLI/CLI.hpp>
#include <iostream>

#include "deploy/keytool/keytool.h"

namespace {

int Fail(const samverkan::Status& status) {
  std::cerr << "samverkan-keytool: " << status.ToString() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"CURVE keypairs and key-registry entries for Samverkan"};
  app.require_subcommand(1);

  std::string out_dir, key_name;
  bool force = false;
  CLI::App* generate = app.add_subcommand(
      "generate", "Write DIR/NAME.key (mode 0600) and DIR/NAME.pub");
  generate->add_option("--out", out_dir, "Folder for the key files")
      ->required();
  generate->add_option("--name", key_name, "Base name of the key files")
      ->required();
  generate->add_flag("--force", force, "Replace existing key files");

  samverkan::deploy::RegistryEntryRequest request;
  std::string append_to;
  CLI::App* entry = app.add_subcommand(
      "registry-entry", "Print a [[party]] entry for the gateway's registry");
  entry->add_option("--pub", request.pub_file, "The party's .pub file")
      ->required();
  entry
      ->add_option("--organisation", request.organisation,
                   "Organisation id, e.g. kommun-orebro")
      ->required();
  entry
      ->add_option("--kind", request.kind,
                   "MUNICIPALITY, REGION_PSYCHIATRY, ARBETSFORMEDLINGEN, "
                   "FORSAKRINGSKASSAN or NONE (operators)")
      ->required();
  entry
      ->add_option("--role", request.roles,
                   "PUBLISHER, COORDINATOR or OPERATOR; repeatable")
      ->required();
  entry->add_option("--name", request.name, "Human-readable name");
  entry->add_option("--append", append_to,
                    "Append to this registry file instead of printing");

  CLI11_PARSE(app, argc, argv);

  if (generate->parsed()) {
    auto files = samverkan::deploy::GenerateKeyFiles(out_dir, key_name, force);
    if (!files.ok()) return Fail(files.status());
    std::cout << "wrote " << files->key_path << " (secret, mode 0600)\n"
              << "wrote " << files->pub_path << "\n"
              << "public key: " << files->public_key << "\n";
    return 0;
  }
  auto text = samverkan::deploy::MakeRegistryEntry(request);
  if (!text.ok()) return Fail(text.status());
  if (append_to.empty()) {
    std::cout << *text;
    return 0;
  }
  samverkan::Status appended =
      samverkan::deploy::AppendRegistryEntry(append_to, *text);
  if (!appended.ok()) return Fail(appended);
  std::cerr << "appended " << request.organisation << " to " << append_to
            << "\n";
  return 0;
}
