#include "gui.h"

#include "helpmenu.h"
#include "mainwindow.h"
#include "session/recoverysession.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QTimer>
#include <cstdio>

namespace tt::ui {

namespace {
// For the start-up benchmark (tests/bench/bench_startup): with TT_QUIT_AFTER_SHOWN=1 the application quits as
// soon as the main window has been painted, the --project (if any) is open and the event loop is idle; it prints
// the window title (tests/cli checks the title of a project opened as `tracktally-recovery FILE.ttproj`).
class QuitWhenShown : public QObject
{
public:
    QuitWhenShown(MainWindow *window, bool waitForProject) : QObject(window), m_window(window), m_waitForProject(waitForProject)
    {
        window->installEventFilter(this);
        m_idle.setInterval(0); // a zero timer fires when the event queue is empty
        connect(&m_idle, &QTimer::timeout, this, [this] {
            if (m_painted && !m_window->session()->isBusy() && (!m_waitForProject || m_window->session()->hasProject())) {
                m_idle.stop(); // once: quit() takes effect when control returns to the event loop
                std::fputs(qPrintable(m_window->windowTitle().remove(QStringLiteral("[*]")) + u'\n'), stdout);
                std::fflush(stdout);
                QCoreApplication::quit();
            }
        });
        m_idle.start();
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (watched == m_window && event->type() == QEvent::Paint)
            m_painted = true;
        return QObject::eventFilter(watched, event);
    }

private:
    MainWindow *m_window;
    bool m_waitForProject;
    bool m_painted = false;
    QTimer m_idle;
};
} // namespace

int runGui(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("tracktally-recovery"));
    QApplication::setApplicationDisplayName(QCoreApplication::translate("tt::ui", "TrackTally Recovery"));
    QApplication::setApplicationVersion(QStringLiteral(TT_VERSION));
    QApplication::setOrganizationName(QStringLiteral("TrackTally"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("tt::ui", "TrackTally Recovery: the recovery wizard."));
    parser.addHelpOption();
    QCommandLineOption projectOption(QStringLiteral("project"),
                                     QCoreApplication::translate("tt::ui", "Open this recovery project at the step it was left at."),
                                     QCoreApplication::translate("tt::ui", "FILE"));
    parser.addOption(projectOption);
    parser.addPositionalArgument(QStringLiteral("FILE"),
                                 QCoreApplication::translate("tt::ui", "A recovery project (.ttproj) to open, as with --project."),
                                 QStringLiteral("[FILE]"));
    parser.process(app);
    QString project = parser.value(projectOption);
    if (project.isEmpty() && !parser.positionalArguments().isEmpty())
        project = parser.positionalArguments().constFirst();

    QApplication::setDesktopFileName(QStringLiteral("tracktally-recovery"));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("tracktally-recovery"),
                                                 QIcon(QStringLiteral(":/icons/tracktally-recovery.svg"))));
    MainWindow window;
    installHelpMenu(&window);
    window.show();
    if (!project.isEmpty())
        window.openProject(project);
    if (qEnvironmentVariableIntValue("TT_QUIT_AFTER_SHOWN") == 1)
        new QuitWhenShown(&window, !project.isEmpty());
    return app.exec();
}

} // namespace tt::ui
