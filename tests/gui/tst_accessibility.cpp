// Themes and accessibility: the real wizard under a dark palette. Every interactive control of every page has an
// accessible name or a visible text (its own, or a label's whose buddy it is); the charts' labels keep enough
// contrast with what they are drawn on; and nothing on a page paints a light background under the dark theme.
// With TT_SCREENSHOT_DIR set, each page reached is saved as dark-NN-<page>.png to look at.
#include "fixturegenerator.h"
#include "mainwindow.h"
#include "recoverywizard.h"
#include "session/recoverysession.h"
#include "session/rostersession.h"
#include "session/sourcessession.h"
#include "theme.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QStandardPaths>
#include <QStyleFactory>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextEdit>

#ifdef TT_HAVE_CHARTS
#include <QAbstractAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QHorizontalBarSeries>
#endif

using namespace tt;
using namespace tt::ui;
using namespace Qt::StringLiterals;

namespace {
QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2b, 0x2b), base(0x1e, 0x1e, 0x1e), text(0xe8, 0xe8, 0xe8);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x2a, 0x30, 0x38));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x65, 0xb8));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Mid, QColor(0x60, 0x60, 0x60));
    p.setColor(QPalette::Dark, QColor(0x20, 0x20, 0x20));
    p.setColor(QPalette::Light, QColor(0x50, 0x50, 0x50));
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0xa0, 0xa0, 0xa0));
    p.setColor(QPalette::Link, QColor(0x8a, 0xb4, 0xf8));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x90, 0x90, 0x90));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x90, 0x90, 0x90));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x90, 0x90, 0x90));
    return p;
}

bool isInteractive(const QWidget *w)
{
    if (qobject_cast<const QHeaderView *>(w))
        return false; // part of its view
    for (const QWidget *p = w->parentWidget(); p; p = p->parentWidget())
        if (qobject_cast<const QAbstractSpinBox *>(p) || qobject_cast<const QComboBox *>(p) || qobject_cast<const QAbstractItemView *>(p))
            return false; // an inner part (a spin box's line edit, a view's editor)
    return qobject_cast<const QAbstractButton *>(w) || qobject_cast<const QLineEdit *>(w) || qobject_cast<const QComboBox *>(w)
           || qobject_cast<const QAbstractItemView *>(w) || qobject_cast<const QAbstractSpinBox *>(w)
           || qobject_cast<const QTextEdit *>(w) || qobject_cast<const QPlainTextEdit *>(w);
}
} // namespace

class tst_Accessibility : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void everyControlIsNamed_data();
    void everyControlIsNamed();
    void chartLabelsContrast();
    void themeHelpersKeepContrast_data();
    void themeHelpersKeepContrast();
    void cleanupTestCase();

private:
    void reach(int step);
    QTemporaryDir m_dir;
    std::unique_ptr<MainWindow> m_window;
};

void tst_Accessibility::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"TrackTallyTests"_s);
    QCoreApplication::setApplicationName(u"tst_accessibility"_s);
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
    QApplication::setPalette(darkPalette());
    test::SchoolSpec spec;
    spec.seed = 9;
    spec.classes = 4;
    spec.studentsPerClass = 6;
    spec.logs = 300;
    const test::School school = test::generateSchool(spec);
    const QString inc = m_dir.filePath(u"Incidents.csv"_s);
    const QString com = m_dir.filePath(u"Commendations.csv"_s);
    test::QuirkOptions quirks; // the quirks put rows in quarantine and duplicates on the Validate page
    test::writeCsvTab(school, RecordType::Incident, inc, quirks);
    test::writeCsvTab(school, RecordType::Commendation, com, test::QuirkOptions{});
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1280, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->session()->newProject(m_dir.filePath(u"p.ttproj"_s), SchoolInfo{spec.name, spec.domain, spec.timeZone});
    QVERIFY(m_window->sources()->addFiles({inc, com}));
    m_window->session()->waitForIdle();
}

// Walks forward with Next (the steps after Target database need a database: they are checked unshown).
void tst_Accessibility::reach(int step)
{
    RecoveryWizard *wizard = m_window->wizard();
    while (wizard->currentId() < step && wizard->currentId() < RecoveryWizard::DatabaseStep) {
        auto *next = m_window->findChild<QAbstractButton *>(u"nextButton"_s);
        QTRY_VERIFY_WITH_TIMEOUT(next->isEnabled(), 30000);
        const int from = wizard->currentId();
        QTest::mouseClick(next, Qt::LeftButton);
        QTRY_VERIFY(wizard->currentId() > from);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->session()->isBusy(), 30000);
    }
    if (wizard->currentId() == RecoveryWizard::TeachersStep)
        QTRY_VERIFY_WITH_TIMEOUT(m_window->roster()->isBuilt(), 30000);
}

void tst_Accessibility::everyControlIsNamed_data()
{
    QTest::addColumn<int>("step");
    for (int s = RecoveryWizard::ProjectStep; s < RecoveryWizard::StepCount; ++s)
        QTest::newRow(qPrintable(u"%1"_s.arg(s + 1, 2, 10, QChar(u'0')))) << s;
}

void tst_Accessibility::everyControlIsNamed()
{
    QFETCH(int, step);
    reach(step);
    QWizardPage *page = m_window->wizard()->page(step);
    QVERIFY(page);
    const bool shown = m_window->wizard()->currentId() == step;
    if (shown) {
        QTest::qWait(50);
        const QString dir = qEnvironmentVariable("TT_SCREENSHOT_DIR");
        if (!dir.isEmpty())
            m_window->grab().save(u"%1/dark-%2-%3.png"_s.arg(dir, QString::fromLatin1(QTest::currentDataTag()), page->objectName()));
        if (auto *tabs = page->findChild<QTabWidget *>(u"incidentTabs"_s); tabs && !dir.isEmpty()) {
            tabs->setCurrentIndex(1); // the charts
            QTest::qWait(50);
            m_window->grab().save(u"%1/dark-%2-charts.png"_s.arg(dir, QString::fromLatin1(QTest::currentDataTag())));
            tabs->setCurrentIndex(0);
        }
    }
    const QList<QLabel *> labels = page->findChildren<QLabel *>();
    QStringList unnamed;
    int checked = 0;
    for (QWidget *w : page->findChildren<QWidget *>()) {
        if (!isInteractive(w) || !w->isVisibleTo(page))
            continue;
        ++checked;
        QString name = w->accessibleName();
        if (const auto *b = qobject_cast<QAbstractButton *>(w); name.isEmpty() && b)
            name = b->text().remove(u'&').trimmed();
        for (const QLabel *l : labels)
            if (name.isEmpty() && l->buddy() == w)
                name = l->text().remove(u'&').trimmed();
        if (name.isEmpty())
            unnamed << u"%1 %2"_s.arg(QString::fromLatin1(w->metaObject()->className()), w->objectName());
    }
    QVERIFY2(checked > 0, "a page without a control");
    QVERIFY2(unnamed.isEmpty(), qPrintable(page->objectName() + u": no accessible name or label: "_s + unnamed.join(u", "_s)));
    // no light panel under a dark theme: every label's background (a style sheet's, or its palette's) stays dark
    if (shown) {
        for (QLabel *l : labels) {
            if (!l->isVisible() || l->text().isEmpty())
                continue;
            const QImage img = l->grab().toImage();
            const QColor corner = img.pixelColor(1, 1);
            QVERIFY2(theme::contrastRatio(corner, QColor(Qt::white)) > 3.0,
                     qPrintable(u"%1 '%2' paints a light background %3"_s.arg(page->objectName(), l->text().left(40), corner.name())));
        }
    }
}

void tst_Accessibility::chartLabelsContrast()
{
#ifdef TT_HAVE_CHARTS
    const QList<QChartView *> views = m_window->findChildren<QChartView *>();
    QCOMPARE(views.size(), 3);
    for (QChartView *v : views) {
        QChart *chart = v->chart();
        QVERIFY(chart);
        const QColor background = chart->backgroundBrush().color();
        QVERIFY2(theme::contrastRatio(chart->titleBrush().color(), background) >= 4.5, qPrintable(v->objectName()));
        for (QAbstractAxis *axis : chart->axes())
            QVERIFY2(theme::contrastRatio(axis->labelsBrush().color(), background) >= 4.5,
                     qPrintable(u"%1: axis labels %2 on %3"_s.arg(v->objectName(), axis->labelsBrush().color().name(), background.name())));
        for (QAbstractSeries *s : chart->series())
            if (auto *bars = qobject_cast<QHorizontalBarSeries *>(s))
                for (QBarSet *set : bars->barSets()) // the value is written inside its bar
                    QVERIFY2(theme::contrastRatio(set->labelColor(), set->color()) >= 4.5,
                             qPrintable(u"%1: label %2 on bar %3"_s.arg(v->objectName(), set->labelColor().name(), set->color().name())));
        QVERIFY2(theme::isDark(QApplication::palette()) && theme::contrastRatio(background, QColor(Qt::white)) > 3.0,
                 "the chart keeps Qt Charts' light background under a dark theme");
    }
#else
    QSKIP("built without Qt Charts");
#endif
}

void tst_Accessibility::themeHelpersKeepContrast_data()
{
    QTest::addColumn<QPalette>("palette");
    QPalette light;
    light.setColor(QPalette::Window, QColor(0xef, 0xef, 0xef));
    light.setColor(QPalette::WindowText, Qt::black);
    light.setColor(QPalette::Base, Qt::white);
    light.setColor(QPalette::Text, Qt::black);
    light.setColor(QPalette::Highlight, QColor(0x30, 0x8c, 0xc6));
    QPalette contrast; // high contrast: white on black, yellow highlight
    contrast.setColor(QPalette::Window, Qt::black);
    contrast.setColor(QPalette::WindowText, Qt::white);
    contrast.setColor(QPalette::Base, Qt::black);
    contrast.setColor(QPalette::Text, Qt::white);
    contrast.setColor(QPalette::Highlight, Qt::yellow);
    QTest::newRow("light") << light;
    QTest::newRow("dark") << darkPalette();
    QTest::newRow("high contrast") << contrast;
}

void tst_Accessibility::themeHelpersKeepContrast()
{
    QFETCH(QPalette, palette);
    QVERIFY(theme::contrastRatio(theme::problemColor(palette), palette.color(QPalette::Window)) >= 4.5);
    QVERIFY(theme::contrastRatio(palette.color(QPalette::Text), theme::attentionBrush(palette).color()) >= 4.5);
}

void tst_Accessibility::cleanupTestCase()
{
    m_window.reset();
}

QTEST_MAIN(tst_Accessibility)
#include "tst_accessibility.moc"
