#include "cli.h"

#include "project/project.h"

#include "common/errors.h"
#include "common/progress.h"

#include <QCoreApplication>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <exception>
#include <unistd.h>

namespace tt::cli {

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

int parse(QCommandLineParser &parser, const QString &command, const QString &description, const QStringList &args,
          const QStringList &requiredOptions)
{
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    parser.addVersionOption();
    QStringList full = args;
    full.prepend(QCoreApplication::applicationName() + QLatin1Char(' ') + command);
    if (!parser.parse(full)) {
        err() << command << ": " << parser.errorText() << "\n"
              << QCoreApplication::translate("tt::cli", "Try '%1 %2 --help'.").arg(QCoreApplication::applicationName(), command)
              << Qt::endl;
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        // Qt names the program by its path; say the command the user typed instead.
        QString help = parser.helpText();
        help.replace(QStringLiteral("Usage: ") + QCoreApplication::arguments().constFirst(),
                     QStringLiteral("Usage: ") + QCoreApplication::applicationName() + QLatin1Char(' ') + command);
        out() << help;
        out().flush();
        return Ok;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        out() << QCoreApplication::applicationName() << ' ' << command << ' ' << QCoreApplication::applicationVersion() << Qt::endl;
        return Ok;
    }
    if (!parser.positionalArguments().isEmpty()) {
        err() << command << ": " << QCoreApplication::translate("tt::cli", "unexpected argument '%1'").arg(parser.positionalArguments().first())
              << Qt::endl;
        return Usage;
    }
    for (const QString &opt : requiredOptions) {
        if (!parser.isSet(opt)) {
            err() << command << ": " << QCoreApplication::translate("tt::cli", "--%1 is required").arg(opt) << "\n"
                  << QCoreApplication::translate("tt::cli", "Try '%1 %2 --help'.").arg(QCoreApplication::applicationName(), command)
                  << Qt::endl;
            return Usage;
        }
    }
    return -1;
}

Project loadProjectFile(const QString &path)
{
    Project project = Project::load(path);
    if (!project.convertedFrom().isEmpty())
        err() << QCoreApplication::translate("tt::cli", "%1 was saved by an earlier version of TrackTally Recovery: it "
                                                        "now has the current format, and the original file is kept "
                                                        "unchanged as %2.")
                     .arg(path, project.convertedFrom())
              << Qt::endl;
    return project;
}

int guarded(const std::function<int()> &body)
{
    try {
        return body();
    } catch (const tt::Cancelled &) {
        err() << QCoreApplication::translate("tt::cli", "Cancelled; nothing was changed.") << Qt::endl;
        return interrupted() ? Interrupted : UserFailure;
    } catch (const tt::UserError &e) {
        err() << e.message().simplified() << Qt::endl;
        return UserFailure;
    } catch (const std::bad_alloc &) {
        err() << QCoreApplication::translate("tt::cli", "Out of memory.") << Qt::endl;
        return UserFailure;
    } catch (const std::exception &e) {
        err() << QCoreApplication::translate("tt::cli", "Unexpected error: %1").arg(QString::fromUtf8(e.what())) << Qt::endl;
        return UserFailure;
    }
}

namespace {
std::atomic_bool g_interrupted{false};
static_assert(std::atomic_bool::is_always_lock_free, "set from a signal handler");

extern "C" void onInterrupt(int)
{
    // Only async-signal-safe calls here. SA_RESETHAND made the next Ctrl+C the default (end at once).
    g_interrupted.store(true);
    static const char message[] = "\nStopping at the next safe point; nothing half-done is kept. "
                                  "Press Ctrl+C again to quit at once.\n";
    [[maybe_unused]] const auto n = ::write(STDERR_FILENO, message, sizeof message - 1);
}
} // namespace

void installInterruptHandler()
{
    struct sigaction sa = {};
    sa.sa_handler = onInterrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND | SA_RESTART;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

bool interrupted()
{
    return g_interrupted.load();
}

void CliProgress::begin(const QString &phase, qint64 total)
{
    err() << phase
          << (total > 0 ? QCoreApplication::translate("tt::cli", " (%L1)").arg(total) : QString()) << "…" << Qt::endl;
}

} // namespace tt::cli
