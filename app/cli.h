#pragma once
// Small helpers shared by the subcommands: argument parsing, messages, project loading.
#include "commands.h"

#include <QCommandLineParser>
#include <QString>
#include <QTextStream>
#include <functional>

namespace tt::cli {

QTextStream &out();
QTextStream &err();

// Parses args (without the program and subcommand names). On --help prints help and returns Ok;
// on bad usage prints the problem and returns Usage. Returns -1 when parsing succeeded.
int parse(QCommandLineParser &parser, const QString &command, const QString &description, const QStringList &args,
          const QStringList &requiredOptions = {});

// Runs body, turning tt::UserError and friends into one line on stderr and exit 1.
int guarded(const std::function<int()> &body);


} // namespace tt::cli
