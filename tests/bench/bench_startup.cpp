// Start-up time of the GUI: process start to the main window painted with the event loop idle (the app quits
// there when TT_QUIT_AFTER_SHOWN=1, see ui/gui.cpp), N runs each, offscreen platform:
//   cold      no project
//   demo      --project of resources/demo imported with the app's own `import` command
//   generated --project of a generated school with --rows incident+commendation logs (default 1,000,000)
// Prints median / min / max in ms. Usage: bench_startup [--runs 5] [--rows 1000000] [--app PATH] [--keep DIR]
#include "fixturegenerator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <cstdio>

using namespace Qt::Literals::StringLiterals;
using namespace tt::test;

namespace {

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

QString g_app;
QProcessEnvironment g_env;

// Runs the app's CLI (import); false on failure (its error output is forwarded).
bool cli(const QStringList &args)
{
    QProcess p;
    p.setProcessEnvironment(g_env);
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.start(g_app, args);
    if (!p.waitForFinished(-1) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        out() << "FAILED: " << g_app << ' ' << args.join(u' ') << Qt::endl;
        return false;
    }
    return true;
}

bool importProject(const QString &project, const QString &incidents, const QString &commendations)
{
    return cli({u"import"_s, u"--project"_s, project, u"--school"_s, u"Wattle Grove Primary"_s, u"--domain"_s,
                u"wattlegrove.example.edu.au"_s, u"--timezone"_s, u"Australia/Melbourne"_s, u"--incidents"_s, incidents,
                u"--commendations"_s, commendations});
}

// N timed starts of the GUI; empty on failure.
std::vector<qint64> timeStarts(const QStringList &args, int runs)
{
    std::vector<qint64> ms;
    for (int i = 0; i < runs; ++i) {
        QProcess p;
        p.setProcessEnvironment(g_env);
        p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p.setStandardOutputFile(QProcess::nullDevice());
        QElapsedTimer t;
        t.start();
        p.start(g_app, args);
        if (!p.waitForFinished(600000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
            out() << "FAILED: start " << args.join(u' ') << " (" << p.errorString() << ')' << Qt::endl;
            return {};
        }
        ms.push_back(t.elapsed());
    }
    return ms;
}

void report(const QString &name, std::vector<qint64> ms, const QString &note)
{
    if (ms.empty())
        return;
    std::sort(ms.begin(), ms.end());
    const qint64 median = ms.size() % 2 ? ms[ms.size() / 2] : (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]) / 2;
    out() << "RESULT " << name << " runs=" << ms.size() << " median_ms=" << median << " min_ms=" << ms.front()
          << " max_ms=" << ms.back() << "  (" << note << ')' << Qt::endl;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Start-up time of tracktally-recovery (GUI, offscreen)."_s);
    parser.addHelpOption();
    const QCommandLineOption runsOption(u"runs"_s, u"Starts per case (default 5)."_s, u"N"_s, u"5"_s);
    const QCommandLineOption rowsOption(u"rows"_s, u"Logs in the generated school (default 1000000)."_s, u"N"_s, u"1000000"_s);
    const QCommandLineOption appOption(u"app"_s, u"The tracktally-recovery binary (default: the one built with this)."_s, u"PATH"_s,
                                       QString::fromUtf8(TT_APP_PATH));
    const QCommandLineOption keepOption(u"keep"_s, u"Work in DIR and keep the projects (default: a temporary folder)."_s, u"DIR"_s);
    parser.addOptions({runsOption, rowsOption, appOption, keepOption});
    parser.process(app);
    g_app = parser.value(appOption);
    const int runs = std::max(1, parser.value(runsOption).toInt());
    const int rows = std::max(1, parser.value(rowsOption).toInt());
    if (!QFileInfo(g_app).isExecutable()) {
        out() << "FAILED: " << g_app << " is not an executable (--app)" << Qt::endl;
        return 1;
    }

    QTemporaryDir tmp;
    const QString work = parser.isSet(keepOption) ? parser.value(keepOption) : tmp.path();
    QDir().mkpath(work);
    const QDir dir(work);
    g_env = QProcessEnvironment::systemEnvironment();
    if (!g_env.contains(u"QT_QPA_PLATFORM"_s))
        g_env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    g_env.insert(u"TT_QUIT_AFTER_SHOWN"_s, u"1"_s);
    // a private settings folder: no recent-project list or window state from the person running this
    QDir().mkpath(dir.filePath(u"config"_s));
    g_env.insert(u"XDG_CONFIG_HOME"_s, dir.filePath(u"config"_s));

    // the projects, made with the app's own import
    const QString demoDir = QString::fromUtf8(TT_SOURCE_DIR) + u"/resources/demo"_s;
    const QString demo = dir.filePath(u"demo.ttproj"_s);
    if (!QFile::exists(demo)
        && !importProject(demo, demoDir + u"/incidents.csv"_s, demoDir + u"/commendations.csv"_s))
        return 1;
    const QString generated = dir.filePath(u"generated-%1.ttproj"_s.arg(rows));
    QElapsedTimer t;
    t.start();
    if (!QFile::exists(generated)) {
        SchoolSpec spec;
        spec.seed = 20251127;
        spec.logs = rows;
        spec.classes = 28;
        spec.studentsPerClass = 25;
        const School school = generateSchool(spec);
        const QuirkOptions q;
        writeCsvTab(school, tt::RecordType::Incident, dir.filePath(u"incidents.csv"_s), q);
        writeCsvTab(school, tt::RecordType::Commendation, dir.filePath(u"commendations.csv"_s), q);
        if (!importProject(generated, dir.filePath(u"incidents.csv"_s), dir.filePath(u"commendations.csv"_s)))
            return 1;
        out() << "generated and imported " << rows << " logs in " << t.elapsed() << " ms; project "
              << QFileInfo(generated).size() / (1024 * 1024) << " MB" << Qt::endl;
    }

    timeStarts({}, 1); // warm the page cache once: the figures below are warm starts of a fresh process
    report(u"cold"_s, timeStarts({}, runs), u"process start -> window painted, event loop idle; no project"_s);
    report(u"demo"_s, timeStarts({u"--project"_s, demo}, runs), u"--project resources/demo import"_s);
    report(u"generated"_s, timeStarts({u"--project"_s, generated}, runs),
           u"--project with %1 generated logs, until opened"_s.arg(rows));
    return 0;
}
