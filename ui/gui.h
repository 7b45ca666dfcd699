#pragma once
namespace tt::ui {
// Starts the desktop wizard (QApplication) and returns its exit code.
int runGui(int argc, char *argv[]);
} // namespace tt::ui
