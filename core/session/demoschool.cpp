#include "demoschool.h"

#include "common/errors.h"
#include "import/importer.h"
#include "roster/rosterproject.h"
#include "session/recoverysession.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#ifndef TT_RESOURCES_DIR
#define TT_RESOURCES_DIR ""
#endif

namespace tt {
namespace {

QString tr(const char *text) { return QCoreApplication::translate("tt::DemoSchool", text); }

const QStringList &demoFiles()
{
    static const QStringList files{QStringLiteral("incidents.csv"), QStringLiteral("commendations.csv"),
                                   QStringLiteral("roster.csv"), QStringLiteral("staff.csv")};
    return files;
}

bool hasDemoFiles(const QString &dir)
{
    for (const QString &f : demoFiles())
        if (!QFileInfo::exists(QDir(dir).filePath(f)))
            return false;
    return true;
}

} // namespace

QString DemoSchool::dataDir()
{
    // Installed: <prefix>/bin/tracktally-recovery and <prefix>/share/tracktally-recovery/demo (packaging/CMakeLists.txt).
    // A build tree: the source tree's resources/demo (what script/demo uses).
    const QStringList candidates = {
        QCoreApplication::applicationDirPath() + QStringLiteral("/../share/tracktally-recovery/demo"),
        QString::fromUtf8(TT_RESOURCES_DIR) + QStringLiteral("/demo"),
    };
    for (const QString &c : candidates)
        if (hasDemoFiles(c))
            return QDir(c).absolutePath();
    return {};
}

SchoolInfo DemoSchool::school()
{
    return SchoolInfo{QStringLiteral("Wattle Grove Primary"), QStringLiteral("wattlegrove.example.edu.au"),
                      QStringLiteral("Australia/Melbourne")};
}

QString DemoSchool::defaultProjectPath()
{
    const QString base = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    return QDir(base).filePath(QStringLiteral("demo/demo.ttproj"));
}

QString DemoSchool::taskTitle()
{
    return tr("Opening the demo school");
}

bool DemoSchool::open(RecoverySession &session, const QString &projectPath)
{
    const QString dir = dataDir();
    if (dir.isEmpty())
        throw UserError(tr("The demo school's files are not on this computer (looked in %1 and %2). Reinstall "
                           "TrackTally Recovery, or run script/demo from a source tree.")
                            .arg(QDir::cleanPath(QCoreApplication::applicationDirPath() +
                                                 QStringLiteral("/../share/tracktally-recovery/demo")),
                                 QString::fromUtf8(TT_RESOURCES_DIR) + QStringLiteral("/demo")));
    if (session.isBusy())
        return false;
    if (!QDir().mkpath(QFileInfo(projectPath).absolutePath()))
        throw UserError(tr("Cannot create the folder %1 for the demo project.").arg(QFileInfo(projectPath).absolutePath()));
    // Like script/demo: a fresh demo project every time. Only a file named like a project is replaced.
    if (QFileInfo(projectPath).suffix() == u"ttproj" && QFileInfo::exists(projectPath))
        QFile::remove(projectPath);
    session.newProject(projectPath, school());
    return session.runTask(taskTitle(), [dir](Project &project, Progress *progress) {
        const QDir d(dir);
        Importer importer(project);
        QStringList lines;
        for (const auto &[file, type] : {std::pair{QStringLiteral("incidents.csv"), RecordType::Incident},
                                         std::pair{QStringLiteral("commendations.csv"), RecordType::Commendation}}) {
            checkCancel(progress);
            const ImportOutcome o = importer.importCsv(d.filePath(file), type, progress);
            lines << tr("%1: %L2 rows read, %L3 accepted, %L4 quarantined.")
                         .arg(o.displayName)
                         .arg(o.counts.read)
                         .arg(o.counts.accepted)
                         .arg(o.counts.quarantined);
        }
        const SchoolList roster = setProjectRosterCsv(project, d.filePath(QStringLiteral("roster.csv")));
        const SchoolList staff = setProjectStaffCsv(project, d.filePath(QStringLiteral("staff.csv")));
        lines << tr("The school's roster: %L1 students; its staff list: %L2 people.").arg(roster.rows).arg(staff.rows);
        return lines.join(u'\n');
    });
}

} // namespace tt
