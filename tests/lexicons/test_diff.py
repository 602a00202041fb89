"""`dozor lexicon diff`: a reviewer sees what an edit changes before it ships."""
import shutil
from pathlib import Path

from filters.lexicon import diff
from filters.paths import lexicon_root

REPO = Path(__file__).resolve().parents[2]


def test_an_added_word_shows_its_dictionary_forms_and_the_lines_it_now_flags(tmp_path, capsys):
    new = tmp_path / "lexicons"
    shutil.copytree(lexicon_root(), new)
    with open(new / "profanity" / "vulgar.txt", "a", encoding="utf-8") as fh:
        fh.write("хрен\n  + иди ты в хрен\n")
    assert diff.main(old_dir=lexicon_root(), new_dir=new) == 0
    out = capsys.readouterr().out.splitlines()
    assert "+ profanity: «хрен» (every form) is now flagged" in out
    assert "~ «иди ты в хрен»: clean → profanity (certain)" in out
    assert len(out) == 2, out


def test_a_git_revision_can_be_exported(tmp_path):
    folder = diff.export("HEAD", REPO, tmp_path)
    assert (folder / "profanity" / "mat.txt").exists()
