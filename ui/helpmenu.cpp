#include "helpmenu.h"

#include "common/about.h"

#include <QApplication>
#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QMainWindow>
#include <QMenuBar>
#include <QMessageBox>
#include <QUrl>

namespace tt::ui {

QString guidePath()
{
    const QString installed = QDir(QCoreApplication::applicationDirPath())
                                  .filePath(QStringLiteral("../share/doc/tracktally-recovery/administrators-guide.md"));
    if (QFileInfo::exists(installed))
        return QFileInfo(installed).canonicalFilePath();
    const QString source = QStringLiteral(TT_SOURCE_DIR "/docs/guide/README.md");
    return QFileInfo::exists(source) ? source : QString();
}

QString aboutText()
{
    QString libs;
    for (const Component &c : components())
        libs += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td></tr>")
                    .arg(c.name.toHtmlEscaped(), c.version.toHtmlEscaped(), c.license.toHtmlEscaped());
    return QCoreApplication::translate("tt::ui::About",
                                       "<h3>TrackTally Recovery %1</h3>"
                                       "<p>Rebuilds a school's TrackTally roster from its surviving incident sheet "
                                       "and restores it safely.</p>"
                                       "<p>Built with:</p><table cellspacing='6'><tr><th align='left'>Library</th>"
                                       "<th align='left'>Version</th><th align='left'>Licence</th></tr>%2</table>")
        .arg(applicationVersion().toHtmlEscaped(), libs);
}

void installHelpMenu(QMainWindow *window)
{
    QMenu *help = window->menuBar()->addMenu(QCoreApplication::translate("tt::ui::About", "&Help"));
    QAction *guide = help->addAction(QCoreApplication::translate("tt::ui::About", "Administrator's &guide"));
    guide->setObjectName(QStringLiteral("guideAction"));
    QObject::connect(guide, &QAction::triggered, window, [window] {
        const QString path = guidePath();
        if (path.isEmpty() || !QDesktopServices::openUrl(QUrl::fromLocalFile(path)))
            QMessageBox::information(window, QCoreApplication::translate("tt::ui::About", "Administrator's guide"),
                                     QCoreApplication::translate("tt::ui::About",
                                                                 "The guide could not be opened here. It is in "
                                                                 "docs/guide/README.md of TrackTally Recovery, "
                                                                 "and installed as %1.")
                                         .arg(QStringLiteral("/usr/share/doc/tracktally-recovery/administrators-guide.md")));
    });
    help->addSeparator();
    QAction *about = help->addAction(QCoreApplication::translate("tt::ui::About", "&About TrackTally Recovery"));
    about->setObjectName(QStringLiteral("aboutAction"));
    QObject::connect(about, &QAction::triggered, window, [window] {
        QMessageBox::about(window, QCoreApplication::translate("tt::ui::About", "About TrackTally Recovery"), aboutText());
    });
    QAction *aboutQt = help->addAction(QCoreApplication::translate("tt::ui::About", "About &Qt"));
    QObject::connect(aboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);
}

} // namespace tt::ui
