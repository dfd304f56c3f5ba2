// scenario_picker.h: choose a built-in scenario and how to run it (seed,
// strategy, processors) in the sim runtime.
#pragma once

#include <cstdint>
#include <optional>

#include "synclab/scenarios/scenario.h"

namespace synclab::viewer {

class ScenarioPicker {
 public:
  struct Choice {
    const scenarios::Scenario* scenario;
    scenarios::RunOptions options;
  };

  // Shows the dialog from the next frame on, with `current` selected.
  void Show(const scenarios::Scenario* current);
  // Draws it while shown; returns the choice once, when the user presses Run.
  std::optional<Choice> Draw();

 private:
  bool show_ = false;
  int selected_ = 0;
  std::uint64_t seed_ = 1;
  int strategy_ = 0;  // index into sim::kStrategyNames
  int procs_ = 0;     // 0: the scenario's default
};

}  // namespace synclab::viewer
