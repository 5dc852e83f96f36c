#include "base/cli_config.h"

#include <nlohmann/json.hpp>

namespace daqz {
namespace {

class JsonConfig final : public CLI::Config {
 public:
  std::string to_config(const CLI::App* app, bool default_also, bool, std::string) const override {
    nlohmann::json j;
    for (const CLI::Option* opt : app->get_options({})) {
      if (opt->get_lnames().empty() || !opt->get_configurable()) continue;
      const std::string name = opt->get_lnames()[0];
      if (opt->count() > 0) {
        const auto& res = opt->results();
        if (opt->get_type_size() == 0) j[name] = opt->as<bool>();
        else if (res.size() == 1 && opt->get_expected_max() <= 1) j[name] = res[0];
        else j[name] = res;
      } else if (default_also && !opt->get_default_str().empty()) {
        j[name] = opt->get_default_str();
      }
    }
    return j.dump(2);
  }

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    nlohmann::json j;
    try {
      input >> j;
    } catch (const nlohmann::json::exception& e) {
      throw CLI::ConversionError(std::string("config file is not valid JSON: ") + e.what());
    }
    if (!j.is_object()) throw CLI::ConversionError("config file must hold a JSON object");
    std::vector<CLI::ConfigItem> items;
    flatten(j, {}, items);
    return items;
  }

 private:
  static std::string scalar(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    return v.dump();
  }
  static void flatten(const nlohmann::json& j, std::vector<std::string> parents, std::vector<CLI::ConfigItem>& out) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it->is_object()) {
        auto p = parents;
        p.push_back(it.key());
        flatten(*it, p, out);
        continue;
      }
      CLI::ConfigItem item;
      item.parents = parents;
      item.name = it.key();
      if (it->is_array())
        for (const auto& v : *it) item.inputs.push_back(scalar(v));
      else
        item.inputs.push_back(scalar(*it));
      out.push_back(std::move(item));
    }
  }
};

}  // namespace

void add_json_config(CLI::App& app, const std::string& default_path) {
  app.config_formatter(std::make_shared<JsonConfig>());
  app.set_config("--config", default_path, "JSON config file; every key is also a flag (flags win)");
  app.allow_config_extras(false);
}

std::string dump_json_config(const CLI::App& app) { return app.config_to_str(true, false); }

}  // namespace daqz
