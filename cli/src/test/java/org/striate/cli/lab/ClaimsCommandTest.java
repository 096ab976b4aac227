package org.striate.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClaimsCommandTest {

    @Test
    void runsEveryClaimAtATinyScaleAndWritesThePage(@TempDir Path dir) throws Exception {
        Path data = LabRun.writeIdx(dir.resolve("data"), 60, 30);
        Path out = dir.resolve("claims");
        LabCli r = LabCli.run("lab", "claims", "--budget", "quick", "--limit", "30", "--seeds", "2", "--data", data.toString(),
                "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.toString());
        String json = r.out();
        assertTrue(json.startsWith("{\"budget\":\"quick (limited to 30 images)\""), json);
        Matcher claim = Pattern.compile("\\{\"id\":\"[^\"]+\",\"claim\":\"[^\"]+\",\"experiment\":\"[^\"]+\",\"figures\":\\[\\{\"label\":").matcher(json);
        int claims = 0;
        while (claim.find()) claims++;
        assertEquals(9, claims, json);
        Matcher verdict = Pattern.compile("\"verdict\":\"([^\"]*)\"").matcher(json);
        int verdicts = 0;
        while (verdict.find()) {
            assertTrue(Set.of("holds", "does not hold", "not resolved").contains(verdict.group(1)), verdict.group(1));
            verdicts++;
        }
        assertEquals(9, verdicts);
        assertTrue(json.contains("\"mean\":") && json.contains("\"low\":") && json.contains("\"high\":") && json.contains("\"n\":2"), json);
        Path page = out.resolve("claims.html");
        String html = Files.readString(page);
        assertTrue(html.contains("Content-Security-Policy") && html.contains("Verdict: ") && html.contains("data:image/png;base64,"), "page");
        for (String id : List.of("Parameter sharing is a prior", "Anti-aliased pooling", "When position is the class")) {
            assertTrue(html.contains(id), id);
        }
        assertTrue(json.contains("\"page\":\"" + page.toString().replace("\\", "\\\\") + "\""), json);
    }

    @Test
    void helpExplainsTheBudgetsAndTheVerdictsAndABadBudgetIsInvalidInput(@TempDir Path dir) {
        LabCli help = LabCli.run("lab", "claims", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("quick") && help.out().contains("full") && help.out().contains("not resolved")
                && help.out().contains("does not hold"), help.out());
        assertEquals(2, LabCli.run("lab", "claims", "--budget", "huge", "--out", dir.toString()).code());
        assertEquals(2, LabCli.run("lab", "claims", "--seeds", "0", "--out", dir.toString()).code());
    }
}
