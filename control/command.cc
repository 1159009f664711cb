#include "control/command.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "fmt/format.h"

namespace fastlease::control {

absl::StatusOr<CommandRequest> ParseCommandRequest(const nlohmann::json& json, std::string text) {
  if (!json.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the request must be a JSON object, got ", json.type_name()));
  }
  auto command = json.find("command");
  if (command == json.end()) {
    return absl::InvalidArgumentError("the request has no 'command'");
  }
  if (!command->is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'command' must be a string, got ", command->type_name()));
  }
  CommandRequest request;
  request.name = command->get<std::string>();
  if (request.name.empty()) return absl::InvalidArgumentError("'command' must not be empty");
  auto arguments = json.find("arguments");
  if (arguments != json.end()) {
    if (!arguments->is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat("'arguments' must be an object, got ", arguments->type_name()));
    }
    request.arguments = *arguments;
  }
  request.text = std::move(text);
  return request;
}

nlohmann::json MakeAnswer(int result, std::string_view text, nlohmann::json arguments) {
  nlohmann::json answer = {{"result", result}, {"text", text}};
  if (!arguments.is_null()) answer["arguments"] = std::move(arguments);
  return answer;
}

std::string AnswerText(int result, std::string_view text, nlohmann::json arguments) {
  // Replacement keeps an answer printable even when a text carries bad UTF-8.
  return MakeAnswer(result, text, std::move(arguments))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string UnsupportedText(std::string_view command) {
  return fmt::format("'{}' command not supported.", command);
}

}  // namespace fastlease::control
