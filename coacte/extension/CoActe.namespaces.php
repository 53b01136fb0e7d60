<?php
/**
 * Localized names of the CO-ACTE namespaces.
 *
 * The canonical (English) names come from extension.json. Each language also accepts the
 * other working language's names as aliases, so a link written as [[Débat:…]] resolves on an
 * English wiki and [[Debate:…]] on a French one: pages and templates travel between wikis.
 *
 * @file
 * @license GPL-3.0-or-later
 */

$namespaceNames = [];
$namespaceAliases = [];

// The constants are defined by extension.json; this guard keeps the file loadable on its own
// (e.g. by localisation tools that read it without the extension registry).
foreach ( [
	'NS_COACTE_DEBATE' => 3000,
	'NS_COACTE_DEBATE_TALK' => 3001,
	'NS_COACTE_SYNTHESIS' => 3002,
	'NS_COACTE_SYNTHESIS_TALK' => 3003,
] as $coacteConstant => $coacteId ) {
	if ( !defined( $coacteConstant ) ) {
		define( $coacteConstant, $coacteId );
	}
}

/** English */
$namespaceNames['en'] = [
	NS_COACTE_DEBATE => 'Debate',
	NS_COACTE_DEBATE_TALK => 'Debate_talk',
	NS_COACTE_SYNTHESIS => 'Synthesis',
	NS_COACTE_SYNTHESIS_TALK => 'Synthesis_talk',
];

// English is the root of every fallback chain, so these aliases work on any wiki language.
$namespaceAliases['en'] = [
	'Débat' => NS_COACTE_DEBATE,
	'Discussion_débat' => NS_COACTE_DEBATE_TALK,
	'Synthèse' => NS_COACTE_SYNTHESIS,
	'Discussion_synthèse' => NS_COACTE_SYNTHESIS_TALK,
];

/** French (français) */
$namespaceNames['fr'] = [
	NS_COACTE_DEBATE => 'Débat',
	NS_COACTE_DEBATE_TALK => 'Discussion_débat',
	NS_COACTE_SYNTHESIS => 'Synthèse',
	NS_COACTE_SYNTHESIS_TALK => 'Discussion_synthèse',
];

$namespaceAliases['fr'] = [
	'Debate' => NS_COACTE_DEBATE,
	'Debate_talk' => NS_COACTE_DEBATE_TALK,
	'Synthesis' => NS_COACTE_SYNTHESIS,
	'Synthesis_talk' => NS_COACTE_SYNTHESIS_TALK,
];
