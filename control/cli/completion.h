// Shell completion for `fastlease`, generated from the command table.
//
//   fastlease completion bash > /etc/bash_completion.d/fastlease
//
// The bash script completes global flags, command names (and Kea's aliases),
// sub-commands (config get|test|set|reload|write, stats reset, help COMMAND,
// completion bash), each command's flags, file names where a FILE goes,
// statistic names after `stats`, and Kea command names after `raw`. It works
// with and without the bash-completion package. deploy/completion/fastlease.bash
// is this output, checked in (a test keeps them equal). Pure.
#pragma once

#include <string>

namespace fastlease::cli {

std::string BashCompletionScript();

}  // namespace fastlease::cli
