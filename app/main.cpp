// tracktally-recovery: the desktop wizard with no arguments; a headless subcommand otherwise.
#include "cli.h"
#include "commands.h"
#include "gui.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QStringList>
#include <cstring>
#include <map>

namespace {

struct Command
{
    int (*run)(const QStringList &);
    const char *summary;
};

const std::map<QString, Command> &commands()
{
    static const std::map<QString, Command> table = {
        {QStringLiteral("import"), {tt::cli::runImport, "import sheet exports (CSV, XLSX) into a recovery project"}},
        {QStringLiteral("reconstruct"), {tt::cli::runReconstruct, "rebuild teachers, classrooms and students from the incidents"}},
        {QStringLiteral("report"), {tt::cli::runReport, "write the recovery report (JSON, HTML, CSV)"}},
        {QStringLiteral("sandbox"), {tt::cli::runSandbox, "start or stop a private PostgreSQL to rehearse on"}},
        {QStringLiteral("backup"), {tt::cli::runBackup, "take and verify a backup of a database (pg_dump)"}},
        {QStringLiteral("plan"), {tt::cli::runPlan, "dry run: what would be written to the database"}},
        {QStringLiteral("apply"), {tt::cli::runApply, "write the recovered school to the database, safely"}},
        {QStringLiteral("verify"), {tt::cli::runVerify, "re-read the database and compare it with the project"}},
        {QStringLiteral("drill"), {tt::cli::runDrill, "restore drill: back up, restore into a sandbox, compare every table"}},
        {QStringLiteral("preflight"), {tt::cli::runPreflight, "rehearse a migration on a restored copy; refuse one that loses rows"}},
        {QStringLiteral("snapshot"), {tt::cli::runSnapshot, "write the school's roster as CSV (teachers, classrooms, students)"}},
    };
    return table;
}

void printUsage()
{
    auto &o = tt::cli::out();
    o << "Usage: tracktally-recovery [COMMAND [OPTIONS]]\n\n"
      << QCoreApplication::translate("tt::main", "Without a command, the recovery wizard opens.") << "\n\n"
      << QCoreApplication::translate("tt::main", "Commands:") << "\n";
    for (const auto &[name, cmd] : commands())
        o << "  " << name.leftJustified(12) << QCoreApplication::translate("tt::main", cmd.summary) << "\n";
    o << "\n" << QCoreApplication::translate("tt::main", "Run 'tracktally-recovery COMMAND --help' for a command's options.") << "\n";
    o.flush();
}

// `tracktally-recovery school.ttproj` (a file manager's double-click, or a terminal): the wizard on that
// project. A word that names a command is always the command; anything else ending in .ttproj, or naming an
// existing file, is a project to open.
bool isProjectArgument(const char *arg)
{
    const QString a = QString::fromLocal8Bit(arg);
    if (a.isEmpty() || a.startsWith(u'-') || commands().count(a))
        return false;
    return a.endsWith(QStringLiteral(".ttproj"), Qt::CaseInsensitive) || QFileInfo(a).isFile();
}

} // namespace

int main(int argc, char *argv[])
{
    const bool projectFile = argc == 2 && isProjectArgument(argv[1]);
    const bool headless = argc > 1 && argv[1][0] != '-' && !projectFile;
    const bool meta = argc > 1 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0
                                   || std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "-v") == 0);
    if (!headless && !meta)
        return tt::ui::runGui(argc, argv);

    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tracktally-recovery"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TT_VERSION));
    QCoreApplication::setOrganizationName(QStringLiteral("TrackTally"));
    const QStringList args = QCoreApplication::arguments();
    if (meta) {
        if (args.at(1) == u"--version" || args.at(1) == u"-v") {
            tt::cli::out() << "tracktally-recovery " << TT_VERSION << Qt::endl;
            return 0;
        }
        printUsage();
        return 0;
    }
    auto it = commands().find(args.at(1));
    if (it == commands().end()) {
        tt::cli::err() << QCoreApplication::translate("tt::main", "Unknown command '%1'.").arg(args.at(1)) << "\n";
        tt::cli::err().flush();
        printUsage();
        return tt::cli::Usage;
    }
    tt::cli::installInterruptHandler();
    return it->second.run(args.mid(2));
}
