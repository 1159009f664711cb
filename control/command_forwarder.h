// CommandForwarder: where fastlease-control sends the commands it does not
// answer itself. DataplaneLink is the implementation; tests use fakes.
#pragma once

#include <functional>
#include <string>

namespace fastlease::control {

// Receives one answer: JSON text with at least `result` and `text`.
using AnswerCallback = std::function<void(std::string answer_json)>;

class CommandForwarder {
 public:
  virtual ~CommandForwarder() = default;

  // Sends `request_json` (one Kea request object) to the dataplane. `done` is
  // called exactly once on the io_context's thread, never from inside Forward():
  // with the dataplane's answer verbatim, or with a result-1 answer saying why
  // there is none (not connected, timed out, disconnected, too many in flight).
  virtual void Forward(std::string request_json, AnswerCallback done) = 0;

  // True while a dataplane is connected (forwarded commands are being sent).
  virtual bool connected() const = 0;
};

}  // namespace fastlease::control
