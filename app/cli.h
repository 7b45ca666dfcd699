#pragma once
// Small helpers shared by the subcommands: argument parsing, messages, project loading.
#include "commands.h"
#include "common/progress.h"

#include <QCommandLineParser>
#include <QString>
#include <QTextStream>
#include <functional>

namespace tt {
class Project;
}

namespace tt::cli {

QTextStream &out();
QTextStream &err();

// Parses args (without the program and subcommand names). On --help prints help and returns Ok;
// on bad usage prints the problem and returns Usage. Returns -1 when parsing succeeded.
int parse(QCommandLineParser &parser, const QString &command, const QString &description, const QStringList &args,
          const QStringList &requiredOptions = {});

// Project::load, then a note on stderr when an older project file was converted to the current format (the
// original is kept beside it): stdout stays for results such as `report --json -`.
Project loadProjectFile(const QString &path);

// Runs body, turning tt::UserError and friends into one line on stderr and exit 1.
int guarded(const std::function<int()> &body);

// Ctrl+C (SIGINT) or SIGTERM asks the running command to stop at its next safe point (long work then
// throws tt::Cancelled: an import leaves the project as it was, an apply rolls its transaction back);
// a second Ctrl+C ends the process at once.
void installInterruptHandler();
bool interrupted();

// Prints nothing; cancelled by Ctrl+C.
class CliCancel : public Progress
{
public:
    bool cancelRequested() const override { return interrupted(); }
};

// Phases on stderr (stdout stays for results); cancelled by Ctrl+C.
class CliProgress : public Progress
{
public:
    void begin(const QString &phase, qint64 total) override;
    bool cancelRequested() const override { return interrupted(); }
};


} // namespace tt::cli
