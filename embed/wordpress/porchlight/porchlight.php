<?php
/**
 * Plugin Name:       Porchlight Live Chat
 * Description:       Adds the Porchlight live chat widget to every page of the site, and tells Porchlight who signed-in users are.
 * Version:           0.1.0
 * Requires at least: 5.7
 * Requires PHP:      7.4
 * Author:            Porchlight contributors
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       porchlight
 *
 * @package Porchlight
 */

/*
 * The plugin prints Porchlight's one-line snippet before </body> (includes/snippet.php) and
 * keeps three options, edited under Settings → Porchlight (includes/settings.php):
 * the Worker's origin, the site id and, optionally, the site's identity secret.
 */

defined( 'ABSPATH' ) || exit;

define( 'PORCHLIGHT_VERSION', '0.1.0' );

/** The Worker's origin, e.g. https://chat.example.com (no trailing slash). */
define( 'PORCHLIGHT_OPTION_EDGE_URL', 'porchlight_edge_url' );
/** The site id of the snippet's data-site. */
define( 'PORCHLIGHT_OPTION_SITE_ID', 'porchlight_site_id' );
/** The site's identity secret; never printed, never autoloaded. */
define( 'PORCHLIGHT_OPTION_SECRET', 'porchlight_identity_secret' );

require_once __DIR__ . '/includes/options.php';
require_once __DIR__ . '/includes/settings.php';
require_once __DIR__ . '/includes/snippet.php';

add_action( 'admin_init', 'porchlight_register_settings' );
add_action( 'admin_menu', 'porchlight_add_settings_page' );
add_action( 'wp_footer', 'porchlight_print_snippet' );
