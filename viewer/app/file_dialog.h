// file_dialog.h: a small Open / Save dialog over std::filesystem (Dear
// ImGui 1.86 has none): folders, *.json files, a name field.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace synclab::viewer {

class FileDialog {
 public:
  enum class Mode { kOpen, kSave };

  // Shows the dialog from the next frame on, listing `dir`.
  void Show(Mode mode, const std::filesystem::path& dir, const std::string& name = {});
  // Draws it while shown; returns the chosen path once, when the user confirms.
  std::optional<std::filesystem::path> Draw();

 private:
  struct Entry {
    std::string name;
    bool directory;
  };
  void List(const std::filesystem::path& dir);
  const char* Title() const { return mode_ == Mode::kOpen ? "Open trace" : "Save trace as"; }

  Mode mode_ = Mode::kOpen;
  bool show_ = false;
  std::filesystem::path dir_;
  std::vector<Entry> entries_;
  std::string error_;  // why dir_ could not be listed
  char name_[256] = "";
};

}  // namespace synclab::viewer
