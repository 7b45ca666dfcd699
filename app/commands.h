#pragma once
// Headless subcommands of tracktally-recovery. Each takes the arguments after its name and returns the
// process exit code: 0 success, 1 a user error (one line on stderr), 2 bad usage, 3 a refusal (apply, preflight).
#include <QStringList>

namespace tt::cli {

enum ExitCode { Ok = 0, UserFailure = 1, Usage = 2, Refused = 3, Interrupted = 130 }; // 130: stopped by Ctrl+C (128 + SIGINT)

int runImport(const QStringList &args);      // cmd_import.cpp
int runReport(const QStringList &args);      // cmd_report.cpp
int runReconstruct(const QStringList &args); // cmd_reconstruct.cpp
int runSandbox(const QStringList &args);     // cmd_database.cpp
int runBackup(const QStringList &args);      // cmd_database.cpp
int runPlan(const QStringList &args);        // cmd_database.cpp
int runApply(const QStringList &args);       // cmd_database.cpp
int runVerify(const QStringList &args);      // cmd_database.cpp
int runDrill(const QStringList &args);       // cmd_protect.cpp
int runPreflight(const QStringList &args);   // cmd_protect.cpp
int runSnapshot(const QStringList &args);    // cmd_protect.cpp

} // namespace tt::cli
