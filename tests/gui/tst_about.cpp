#include "common/about.h"
#include "helpmenu.h"

#include <QApplication>
#include <QFileInfo>
#include <QMainWindow>
#include <QMenuBar>
#include <QTest>

class tst_About : public QObject
{
    Q_OBJECT
private slots:
    void componentsAreTheLinkedOnes();
    void aboutTextNamesVersionAndLicences();
    void helpMenuHasGuideAndAbout();
};

void tst_About::componentsAreTheLinkedOnes()
{
    const auto list = tt::components();
    QVERIFY(list.size() >= 5);
    QCOMPARE(list.front().name, u"Qt"_qs);
    QCOMPARE(list.front().version, QString::fromLatin1(qVersion()));
    for (const tt::Component &c : list) {
        QVERIFY2(!c.version.isEmpty() && c.version.front().isDigit(), qPrintable(c.name + u' ' + c.version));
        QVERIFY(!c.license.isEmpty());
    }
}

void tst_About::aboutTextNamesVersionAndLicences()
{
    const QString text = tt::ui::aboutText();
    QVERIFY(text.contains(QStringLiteral(TT_VERSION)));
    for (const char *s : {"libpqxx", "libzip", "nlohmann_json", "LGPL-3.0-only", "BSD-3-Clause", "MIT"})
        QVERIFY2(text.contains(QString::fromLatin1(s)), s);
}

void tst_About::helpMenuHasGuideAndAbout()
{
    QMainWindow w;
    tt::ui::installHelpMenu(&w);
    QVERIFY(w.findChild<QAction *>(u"aboutAction"_qs));
    QVERIFY(w.findChild<QAction *>(u"guideAction"_qs));
    QVERIFY(QFileInfo::exists(tt::ui::guidePath()));
}

QTEST_MAIN(tst_About)
#include "tst_about.moc"
