// The workbench's few enhancements; every page works without them.
import { enhanceBoards } from "./board.js";
import { enhanceCopy } from "./copy.js";
import { enhanceTypeahead } from "./typeahead.js";

enhanceBoards(document);
enhanceTypeahead(document);
enhanceCopy(document);
