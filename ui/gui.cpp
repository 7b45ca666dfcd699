#include "gui.h"

#include "helpmenu.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

namespace tt::ui {

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
    parser.process(app);

    QApplication::setDesktopFileName(QStringLiteral("tracktally-recovery"));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("tracktally-recovery"),
                                                 QIcon(QStringLiteral(":/icons/tracktally-recovery.svg"))));
    MainWindow window;
    installHelpMenu(&window);
    window.show();
    if (parser.isSet(projectOption))
        window.openProject(parser.value(projectOption));
    return app.exec();
}

} // namespace tt::ui
