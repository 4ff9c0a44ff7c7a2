"""Reference lines in the styles people write them, split into title, authors, year, venue and
identifiers. Every line here was written for this test."""

from __future__ import annotations

import pytest

from reading_list.formats.reference_lines import author_names, parse_reference_line
from reading_list.scoring import hint_surnames

# (line, title, first author's family name or "", year, identifier or "")
LINES: list[tuple[str, str, str, int | None, str]] = [
    # ACL
    (
        "Ilya Sutskever, Oriol Vinyals, and Quoc V. Le. 2014. Sequence to Sequence Learning with "
        "Neural Networks. In Proceedings of NIPS.",
        "Sequence to Sequence Learning with Neural Networks",
        "Sutskever",
        2014,
        "",
    ),
    (
        "Dzmitry Bahdanau, Kyunghyun Cho, and Yoshua Bengio. 2015. Neural machine translation by "
        "jointly learning to align and translate. In ICLR.",
        "Neural machine translation by jointly learning to align and translate",
        "Bahdanau",
        2015,
        "",
    ),
    (
        "Rico Sennrich, Barry Haddow, and Alexandra Birch. 2016. Neural Machine Translation of "
        "Rare Words with Subword Units. In Proceedings of the 54th Annual Meeting of the "
        "Association for Computational Linguistics (Volume 1: Long Papers), pages 1715–1725, "
        "Berlin, Germany.",
        "Neural Machine Translation of Rare Words with Subword Units",
        "Sennrich",
        2016,
        "",
    ),
    (
        "Minh-Thang Luong, Hieu Pham, and Christopher D. Manning. 2015. Effective Approaches to "
        "Attention-based Neural Machine Translation. In EMNLP, pages 1412–1421. "
        "https://aclanthology.org/D15-1166",
        "Effective Approaches to Attention-based Neural Machine Translation",
        "Luong",
        2015,
        "acl:D15-1166",
    ),
    (
        "Jacob Devlin, Ming-Wei Chang, Kenton Lee, and Kristina Toutanova. 2019. BERT: "
        "Pre-training of Deep Bidirectional Transformers for Language Understanding. In NAACL.",
        "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
        "Devlin",
        2019,
        "",
    ),
    (
        "Taku Kudo. 2018. Subword Regularization: Improving Neural Network Translation Models "
        "with Multiple Subword Candidates. In ACL.",
        "Subword Regularization: Improving Neural Network Translation Models with Multiple "
        "Subword Candidates",
        "Kudo",
        2018,
        "",
    ),
    # APA
    (
        "Zaremba, W., & Sutskever, I. (2014). Learning to execute. arXiv preprint arXiv:1410.4615.",
        "Learning to execute",
        "Zaremba",
        2014,
        "arxiv:1410.4615",
    ),
    (
        "Vaswani, A., Shazeer, N., Parmar, N., Uszkoreit, J., Jones, L., Gomez, A. N., Kaiser, "
        "L., & Polosukhin, I. (2017). Attention is all you need. In Advances in Neural "
        "Information Processing Systems (pp. 5998–6008).",
        "Attention is all you need",
        "Vaswani",
        2017,
        "",
    ),
    (
        "Graves, A. (2013). Generating sequences with recurrent neural networks. CoRR, "
        "abs/1308.0850.",
        "Generating sequences with recurrent neural networks",
        "Graves",
        2013,
        "arxiv:1308.0850",
    ),
    (
        "Kim, Y. (2014, October). Convolutional neural networks for sentence classification. "
        "In Proceedings of EMNLP (pp. 1746-1751). https://doi.org/10.3115/v1/D14-1181",
        "Convolutional neural networks for sentence classification",
        "Kim",
        2014,
        "doi:10.3115/v1/d14-1181",
    ),
    (
        "Weston, J., Chopra, S., & Bordes, A. (2015). Memory networks. ICLR.",
        "Memory networks",
        "Weston",
        2015,
        "",
    ),
    # "Author (Year) Title"
    (
        "Vaswani et al. (2017) Attention is all you need",
        "Attention is all you need",
        "Vaswani",
        2017,
        "",
    ),
    (
        "Kiros et al (2015) Skip-Thought Vectors",
        "Skip-Thought Vectors",
        "Kiros",
        2015,
        "",
    ),
    # IEEE
    (
        '[3] A. Vaswani et al., "Attention is all you need," in Proc. NeurIPS, 2017, '
        "pp. 5998–6008.",
        "Attention is all you need",
        "Vaswani",
        2017,
        "",
    ),
    (
        "[7] K. Cho, B. van Merrienboer, C. Gulcehre, D. Bahdanau, F. Bougares, H. Schwenk, and "
        'Y. Bengio, "Learning phrase representations using RNN encoder-decoder for statistical '
        'machine translation," in Proc. EMNLP, Oct. 2014, pp. 1724–1734.',
        "Learning phrase representations using RNN encoder-decoder for statistical machine "
        "translation",
        "Cho",
        2014,
        "",
    ),
    (
        "[12] S. Hochreiter and J. Schmidhuber, “Long short-term memory,” Neural Computation, "
        "vol. 9, no. 8, pp. 1735–1780, 1997.",
        "Long short-term memory",
        "Hochreiter",
        1997,
        "",
    ),
    # Vancouver
    (
        "Ioffe S, Szegedy C. Batch normalization: accelerating deep network training by "
        "reducing internal covariate shift. arXiv preprint arXiv:1502.03167. 2015.",
        "Batch normalization: accelerating deep network training by reducing internal covariate "
        "shift",
        "Ioffe",
        2015,
        "arxiv:1502.03167",
    ),
    (
        "12. Kingma DP, Ba J. Adam: a method for stochastic optimization. 2014.",
        "Adam: a method for stochastic optimization",
        "Kingma",
        2014,
        "",
    ),
    (
        "Mikolov T, Chen K, Corrado G, Dean J. Efficient estimation of word representations in "
        "vector space. arXiv:1301.3781. 2013.",
        "Efficient estimation of word representations in vector space",
        "Mikolov",
        2013,
        "arxiv:1301.3781",
    ),
    (
        "Graves A, Wayne G, Danihelka I. Neural Turing machines. 2014.",
        "Neural Turing machines",
        "Graves",
        2014,
        "",
    ),
    # Chicago
    (
        "Vaswani, Ashish, Noam Shazeer, Niki Parmar, Jakob Uszkoreit, Llion Jones, Aidan N. "
        'Gomez, Łukasz Kaiser, and Illia Polosukhin. "Attention Is All You Need." In Advances '
        "in Neural Information Processing Systems 30, 2017.",
        "Attention Is All You Need",
        "Vaswani",
        2017,
        "",
    ),
    (
        'Kim, Yoon. "Convolutional Neural Networks for Sentence Classification." In Proceedings '
        "of EMNLP, 1746–51. Doha, Qatar, 2014.",
        "Convolutional Neural Networks for Sentence Classification",
        "Kim",
        2014,
        "",
    ),
    (
        "Bahdanau, Dzmitry, Kyunghyun Cho, and Yoshua Bengio. 2015. “Neural Machine Translation "
        "by Jointly Learning to Align and Translate.” In ICLR.",
        "Neural Machine Translation by Jointly Learning to Align and Translate",
        "Bahdanau",
        2015,
        "",
    ),
    # natbib / NeurIPS / ICML bibliographies
    (
        "[12] S. Ioffe and C. Szegedy. Batch normalization: Accelerating deep network training "
        "by reducing internal covariate shift. In ICML, 2015.",
        "Batch normalization: Accelerating deep network training by reducing internal "
        "covariate shift",
        "Ioffe",
        2015,
        "",
    ),
    (
        "K. He, X. Zhang, S. Ren, and J. Sun. Deep residual learning for image recognition. In "
        "CVPR, pages 770–778, 2016.",
        "Deep residual learning for image recognition",
        "He",
        2016,
        "",
    ),
    (
        "Oriol Vinyals, Meire Fortunato, and Navdeep Jaitly. Pointer networks. In Advances in "
        "Neural Information Processing Systems, pages 2692–2700, 2015.",
        "Pointer networks",
        "Vinyals",
        2015,
        "",
    ),
    (
        "Jimmy Lei Ba, Jamie Ryan Kiros, and Geoffrey E. Hinton. Layer normalization. arXiv "
        "preprint arXiv:1607.06450, 2016.",
        "Layer normalization",
        "Ba",
        2016,
        "arxiv:1607.06450",
    ),
    # numbered
    (
        "4. Sutskever, I., Vinyals, O., & Le, Q. V. (2014). Sequence to sequence learning with "
        "neural networks. NIPS.",
        "Sequence to sequence learning with neural networks",
        "Sutskever",
        2014,
        "",
    ),
    (
        "(2) Alex Graves. Adaptive Computation Time for Recurrent Neural Networks. 2016.",
        "Adaptive Computation Time for Recurrent Neural Networks",
        "Graves",
        2016,
        "",
    ),
    # "Title, Author et al. Year" and "Authors. Title. Year"
    ("Layer Normalization, Ba et al. 2016", "Layer Normalization", "Ba", 2016, ""),
    (
        "Neural Turing Machines, Graves et al., 2014",
        "Neural Turing Machines",
        "Graves",
        2014,
        "",
    ),
    ("Ba, Kiros, Hinton. Layer Normalization. 2016", "Layer Normalization", "Ba", 2016, ""),
    (
        "Sukhbaatar, Szlam, Weston, Fergus. End-To-End Memory Networks. 2015",
        "End-To-End Memory Networks",
        "Sukhbaatar",
        2015,
        "",
    ),
    # "Title (Author et al., Year)", "Title by Authors", "Title - Authors, Venue Year"
    (
        "Learning to Execute (Zaremba, Sutskever, 2014)",
        "Learning to Execute",
        "Zaremba",
        2014,
        "",
    ),
    ("DeepCoder (Balog et al., 2016)", "DeepCoder", "Balog", 2016, ""),
    (
        "Sequence to Sequence Learning with Neural Networks by Sutskever, Vinyals and Le",
        "Sequence to Sequence Learning with Neural Networks",
        "Sutskever",
        None,
        "",
    ),
    (
        "Attention Is All You Need - Vaswani et al., NeurIPS 2017",
        "Attention Is All You Need",
        "Vaswani",
        2017,
        "",
    ),
    # Markdown bullets with links, badges, counters
    (
        "[Pointer Networks](https://arxiv.org/abs/1506.03134) ⭐ 1.2k",
        "Pointer Networks",
        "",
        None,
        "arxiv:1506.03134",
    ),
    (
        "**Sequence to Sequence Learning with Neural Networks** [[pdf]](https://papers.nips.cc/"
        "paper/5346) (12,345 citations)",
        "Sequence to Sequence Learning with Neural Networks",
        "",
        None,
        "url:https://papers.nips.cc/paper/5346",
    ),
    (
        "[Order Matters: Sequence to sequence for sets](https://arxiv.org/abs/1511.06391) - "
        "Vinyals et al. 2015 ![stars](https://img.shields.io/badge/stars-120-blue)",
        "Order Matters: Sequence to sequence for sets",
        "Vinyals",
        2015,
        "arxiv:1511.06391",
    ),
    (
        "*Memory Networks* (Weston et al., ICLR 2015) [[code]](https://github.com/facebook/"
        "MemNN) [paper](https://openreview.net/forum?id=ByxZX20qFQ)",
        "Memory Networks",
        "Weston",
        2015,
        "openreview:ByxZX20qFQ",
    ),
    (
        "Deep contextualized word representations. Peters et al. NAACL 2018. "
        "https://doi.org/10.18653/v1/N18-1202",
        "Deep contextualized word representations",
        "Peters",
        2018,
        "doi:10.18653/v1/n18-1202",
    ),
    # nicknames, descriptions and bare identifiers
    ("DeepCoder", "DeepCoder", "", None, ""),
    ("Word2Vec", "Word2Vec", "", None, ""),
    ("the transformer paper, Vaswani 2017", "transformer", "Vaswani", 2017, ""),
    ("Zaremba et al. 2014 (dropout for LSTMs)", "dropout for LSTMs", "Zaremba", 2014, ""),
    ("ResNet paper", "ResNet", "", None, ""),
    ("https://doi.org/10.1162/neco.1997.9.8.1735", "", "", None, "doi:10.1162/neco.1997.9.8.1735"),
    (
        "https://openreview.net/forum?id=rJY0-Kcll",
        "",
        "",
        None,
        "openreview:rJY0-Kcll",
    ),
    (
        "https://dblp.org/rec/conf/nips/VaswaniSPUJGKP17",
        "",
        "",
        None,
        "dblp:conf/nips/VaswaniSPUJGKP17",
    ),
    (
        "《Sharp Minima Can Generalize For Deep Nets》",
        "Sharp Minima Can Generalize For Deep Nets",
        "",
        None,
        "",
    ),
]


@pytest.mark.parametrize(("line", "title", "author", "year", "ident"), LINES)
def test_reference_line(line: str, title: str, author: str, year: int | None, ident: str) -> None:
    parts = parse_reference_line(line)
    assert parts.title == title
    if author:
        assert hint_surnames(parts.authors)[0] == author.lower()
        # Author and venue text never stay in the title.
        assert author not in parts.title or author in title
    else:
        assert parts.authors == ""
    assert parts.year == year
    if ident:
        assert ident in [str(i) for i in parts.ids]
    else:
        assert [i for i in parts.ids if i.kind != "url"] == []


def test_enough_lines_in_the_table() -> None:
    assert len(LINES) >= 40


def test_descriptions_are_marked() -> None:
    assert parse_reference_line("the transformer paper, Vaswani 2017").descriptive is True
    assert parse_reference_line("Zaremba et al. 2014 (dropout for LSTMs)").descriptive is True
    assert parse_reference_line("Zaremba, W. (2014). Learning to execute.").descriptive is False


def test_venue_is_kept_apart() -> None:
    parts = parse_reference_line(
        "Ilya Sutskever, Oriol Vinyals, and Quoc V. Le. 2014. Sequence to Sequence Learning with "
        "Neural Networks. In Proceedings of NIPS."
    )
    assert parts.venue == "In Proceedings of NIPS"
    assert author_names(parts.authors) == ["Ilya Sutskever", "Oriol Vinyals", "Quoc V. Le"]
